"""Reading a question or a page: languages, words and their shop concepts, places, the terms
retrieval works on."""

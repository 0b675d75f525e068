"""Finding what answers a question in a knowledge snapshot: passages, BM25 and the hybrid with embeddings."""

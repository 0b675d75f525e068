"""Speaking for the shop without a model: the answerer, follow-ups, places, orders, small
talk and its phrases."""

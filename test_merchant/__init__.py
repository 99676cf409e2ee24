"""The sample merchant: a webhook receiver that verifies signatures, and a tiny demo-shop backend."""

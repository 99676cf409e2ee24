"""A LocalStack Lambda runtime executor for hosts without Docker: see executor.py."""

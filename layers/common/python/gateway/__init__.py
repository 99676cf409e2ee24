"""The payment gateway: domain rules, use cases and data access, shipped as one Lambda layer."""

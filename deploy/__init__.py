"""Steps of `make deploy` that SAM does not do itself."""

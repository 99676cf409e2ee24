"""Pure business rules: no AWS, no I/O."""

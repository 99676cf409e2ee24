"""Benchmark (`python -m bench`) and soak run (`python -m bench.soak`) of the local stack."""

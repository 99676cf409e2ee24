"""`python -m bench`: measure the local stack, write bench/results/latest.{json,md} and latency.png."""

from __future__ import annotations

import sys

from bench.run import main

if __name__ == "__main__":
    sys.exit(main())

"""`python -m local_runtime up`: the whole gateway on this machine, no Docker, no AWS account."""

from __future__ import annotations

import sys

from local_runtime.cli import main

if __name__ == "__main__":
    sys.exit(main())

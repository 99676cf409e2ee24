"""`python -m test_merchant`: the sample merchant on MERCHANT_PORT (default 4000)."""

from __future__ import annotations

from test_merchant.server import main

if __name__ == "__main__":
    main()

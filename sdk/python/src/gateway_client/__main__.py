"""`python -m gateway_client` is the `gateway` command."""

from __future__ import annotations

import sys

from gateway_client.cli import main

sys.exit(main())

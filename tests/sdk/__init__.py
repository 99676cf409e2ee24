"""The SDK's tests run the package from this tree (`sdk/python/src`); the install test proves it installs."""

from __future__ import annotations

import sys
from pathlib import Path

SDK_SOURCE = Path(__file__).resolve().parents[2] / "sdk" / "python" / "src"
if str(SDK_SOURCE) not in sys.path:
    sys.path.insert(0, str(SDK_SOURCE))

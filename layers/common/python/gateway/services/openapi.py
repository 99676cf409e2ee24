"""The API's own contract, served at `GET /api/v1/openapi.json`.

The canonical document is `openapi.yaml` at the repository root. The layer reaches it through the symlink
`gateway/openapi.yaml`, which packaging follows (SAM copies the file it points to), so nothing is generated at
build time and the served contract cannot drift from the file the tests validate.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

OPENAPI_DOCUMENT_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"


@cache
def load_openapi_document() -> dict[str, Any]:
    """The parsed OpenAPI document, read once per process. Callers must not mutate it."""
    # Imported here, not at module level: only this route needs YAML, and cold starts should not pay for it.
    import yaml

    text = OPENAPI_DOCUMENT_PATH.read_text(encoding="utf-8")
    # libyaml's parser is several times faster than the pure-Python one; not every PyYAML build has it.
    if getattr(yaml, "__with_libyaml__", False):
        document = yaml.load(text, Loader=yaml.CSafeLoader)
    else:
        document = yaml.safe_load(text)
    if not isinstance(document, dict):
        raise ValueError(f"{OPENAPI_DOCUMENT_PATH} does not hold an OpenAPI document")
    return document

"""Request bodies as JSON, with the limits an attacker probes first (docs/behaviour.md, "Errors and
requests").

Python's `json` accepts `NaN` and `Infinity` (which it would later write back as invalid JSON), lone
surrogates (which fail only when something encodes them, long after validation), and nesting until the
interpreter's recursion limit. Each of those is refused here, before any service sees the body.
"""

from __future__ import annotations

import json
from typing import Any

from gateway.errors import BadRequestError

MAX_BODY_BYTES = 100 * 1024
MAX_DEPTH = 32


def _refuse_constant(name: str) -> Any:
    raise BadRequestError(f"{name} is not a valid JSON number")


def parse_request_json(raw: bytes | str | None) -> Any:
    """The parsed body, None when there is none; BadRequestError for anything outside the limits."""
    if raw is None:
        return None
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if len(data) > MAX_BODY_BYTES:
        raise BadRequestError("Request body must be at most 100 KB")
    if not data.strip():
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequestError("Request body must be UTF-8 encoded JSON") from None
    try:
        body = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise BadRequestError(f"JSON must not be nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        raise BadRequestError("Malformed JSON body") from None
    _check_depth_and_text(body)
    return body


def _check_depth_and_text(body: Any) -> None:
    """Iterative, so a hostile body cannot exhaust the stack here either."""
    pending: list[tuple[Any, int]] = [(body, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            _require_unicode(value)
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise BadRequestError(f"JSON must not be nested deeper than {MAX_DEPTH} levels")
            if isinstance(value, dict):
                for key, item in value.items():
                    _require_unicode(key)
                    pending.append((item, depth + 1))
            else:
                pending.extend((item, depth + 1) for item in value)


def _require_unicode(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequestError("Strings must be valid Unicode (no lone surrogates)") from None

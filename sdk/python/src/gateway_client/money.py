"""Amounts as people read them: integer minor units and the currency's ISO 4217 minor unit.

The gateway sends every amount as an integer in the currency's smallest unit: 50000 is INR 500.00 but
JPY 50,000 and KWD 50.000. `format_amount` does integer arithmetic only, so no float can round a figure.
"""

from __future__ import annotations

# ISO 4217 minor units that are not 2 (the gateway's table; every other code has 2 decimals).
ZERO_DECIMAL_CURRENCIES = frozenset(
    (
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "ISK",
        "JPY",
        "KMF",
        "KRW",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    )
)
THREE_DECIMAL_CURRENCIES = frozenset(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"))
_SYMBOLS = {"INR": "₹", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£"}


def minor_units(currency: str) -> int:
    """Decimals of the currency's smallest unit: JPY 0, INR 2, KWD 3."""
    code = currency.upper()
    if code in ZERO_DECIMAL_CURRENCIES:
        return 0
    return 3 if code in THREE_DECIMAL_CURRENCIES else 2


def _group(digits: str, indian: bool) -> str:
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    size = 2 if indian else 3
    groups: list[str] = []
    while head:
        groups.insert(0, head[-size:])
        head = head[:-size]
    return ",".join([*groups, tail])


def format_amount(amount: int, currency: str = "INR") -> str:
    """`50000, "INR"` -> `₹500.00`; `50000, "JPY"` -> `¥50,000`; `1500, "KWD"` -> `KWD 1.500`.

    INR groups digits the Indian way (₹12,34,567.00); other currencies by thousands. Refuses anything but
    an int, since a float amount means a unit mistake upstream.
    """
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError(f"amount must be an integer in minor units, got {amount!r}")
    code = currency.upper()
    decimals = minor_units(code)
    digits = str(abs(amount)).rjust(decimals + 1, "0")
    whole, fraction = (digits[:-decimals], digits[-decimals:]) if decimals else (digits, "")
    number = _group(whole, indian=code == "INR") + (f".{fraction}" if fraction else "")
    symbol = _SYMBOLS.get(code)
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{code} {number}"

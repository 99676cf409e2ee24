"""The SDK formats amounts with the currency's ISO 4217 minor unit, as the dashboard and checkout do."""

from __future__ import annotations

import pytest
from gateway_client import format_amount, minor_units


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (50000, "JPY", "¥50,000"),
        (1500, "KWD", "KWD 1.500"),
        (1, "KWD", "KWD 0.001"),
        (50000, "INR", "₹500.00"),
        (123456789, "INR", "₹12,34,567.89"),
        (5, "INR", "₹0.05"),
        (123456, "USD", "$1,234.56"),
        (-2500, "INR", "-₹25.00"),
        (999, "XYZ", "XYZ 9.99"),
    ],
)
def test_amounts_use_the_currencys_minor_unit(amount: int, currency: str, shown: str) -> None:
    assert format_amount(amount, currency) == shown


@pytest.mark.parametrize("amount", [500.0, "500", True])
def test_a_non_integer_amount_is_refused(amount: object) -> None:
    with pytest.raises(TypeError):
        format_amount(amount, "INR")  # type: ignore[arg-type]


def test_minor_units_match_the_gateways_table() -> None:
    from gateway.domain.currencies import ISO_4217_CODES
    from gateway.domain.currencies import minor_units as gateway_minor_units

    assert {code: minor_units(code) for code in ISO_4217_CODES} == {
        code: gateway_minor_units(code) for code in ISO_4217_CODES
    }

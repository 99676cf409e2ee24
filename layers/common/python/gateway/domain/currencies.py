"""ISO 4217 currency codes a payment can be made in, and the minor unit (decimals) of each.

The active list (funds, precious metals, test and "no currency" codes left out), kept here rather than
taken from a package: pycountry would add megabytes of locale data and import time to every function for
a set of 150 strings that changes once every few years.
"""

from __future__ import annotations

ISO_4217_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
    CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
    GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
    LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
    NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
    STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG
    XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905 - a readable table of codes
)


# ISO 4217 minor units (the number of decimals of the smallest unit) where it is not 2.
ZERO_DECIMAL_CODES = frozenset("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split())  # noqa: SIM905
THREE_DECIMAL_CODES = frozenset("BHD IQD JOD KWD LYD OMR TND".split())  # noqa: SIM905
DEFAULT_MINOR_UNITS = 2


def is_iso_4217(code: str) -> bool:
    return code in ISO_4217_CODES


def minor_units(code: str) -> int:
    """Decimals of the currency's smallest unit: JPY 0 (50000 is 50,000 yen), INR 2, KWD 3."""
    if code in ZERO_DECIMAL_CODES:
        return 0
    return 3 if code in THREE_DECIMAL_CODES else DEFAULT_MINOR_UNITS

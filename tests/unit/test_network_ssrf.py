"""Webhook targets: IPv6 forms that embed an IPv4 address, and deprecated ranges, are never global."""

from __future__ import annotations

import pytest
from gateway.domain.network import is_global_address
from gateway.domain.validation import validate_webhook_url
from gateway.errors import BadRequestError


@pytest.mark.parametrize(
    "address",
    [
        "::7f00:1",  # IPv4-compatible 127.0.0.1
        "::a9fe:a9fe",  # IPv4-compatible 169.254.169.254
        "::808:808",  # IPv4-compatible, even of a public address: the form is deprecated
        "::ffff:0:7f00:1",  # IPv4-translated 127.0.0.1
        "::ffff:0:808:808",  # IPv4-translated public address
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b::808:808",  # NAT64 of a public address: the gateway decides where it goes
        "64:ff9b:1::a00:1",  # NAT64 local-use prefix
        "fec0::1",  # site-local
        "feff:ffff::1",  # the top of site-local
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "2002:808:808::1",  # 6to4, even of a public address
    ],
)
def test_ipv6_forms_embedding_ipv4_and_deprecated_ranges_are_refused(address: str) -> None:
    assert is_global_address(address) is False


@pytest.mark.parametrize("address", ["::ffff:8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e"])
def test_mapped_public_ipv4_and_ordinary_global_ipv6_stay_allowed(address: str) -> None:
    assert is_global_address(address) is True


@pytest.mark.parametrize("host", ["[::7f00:1]", "[::ffff:0:7f00:1]", "[64:ff9b::7f00:1]", "[fec0::1]"])
def test_a_webhook_url_with_such_a_literal_is_refused_when_saved(host: str) -> None:
    with pytest.raises(BadRequestError):
        validate_webhook_url({"webhook_url": f"https://{host}/hook"}, allow_private=False)

"""Which addresses a webhook may be sent to (server-side request forgery protection)."""

from __future__ import annotations

import ipaddress


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local (incl. cloud metadata), multicast, reserved and unspecified."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )

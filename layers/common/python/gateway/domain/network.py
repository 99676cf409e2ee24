"""Which addresses a webhook may be sent to (server-side request forgery protection)."""

from __future__ import annotations

import ipaddress


def is_global_address(address: str) -> bool:
    """True only for globally routable unicast addresses.

    `is_global` also refuses what a list of private ranges misses: shared address space (100.64/10, where
    cloud metadata services live too), 6to4 and Teredo addresses that embed private IPv4 ones, and the
    documentation and benchmarking ranges. An IPv4-mapped IPv6 address is judged as the IPv4 address.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None or ip.teredo is not None:
            return False
    return ip.is_global and not ip.is_multicast

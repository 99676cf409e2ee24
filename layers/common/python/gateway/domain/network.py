"""Which addresses a webhook may be sent to (server-side request forgery protection)."""

from __future__ import annotations

import ipaddress

# IPv6 ranges that are refused whatever they contain: each either embeds an IPv4 address that some
# stack, tunnel or gateway on the path may turn into an IPv4 connection (to 127.0.0.1, say), or has been
# withdrawn from use, so `is_global` (which follows the IANA registry's "globally reachable" column and
# calls most of these reachable) is not enough.
_REFUSED_IPV6 = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "::/96",  # IPv4-compatible (deprecated by RFC 4291): ::7f00:1 is 127.0.0.1 to older stacks
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT, RFC 2765)
        "64:ff9b::/96",  # NAT64 well-known prefix (RFC 6052): reaches the IPv4 it embeds via the gateway
        "64:ff9b:1::/48",  # NAT64 local-use prefix (RFC 8215)
        "2002::/16",  # 6to4 (deprecated by RFC 7526)
        "2001::/32",  # Teredo
        "fec0::/10",  # site-local (deprecated by RFC 3879)
    )
)


def is_global_address(address: str) -> bool:
    """True only for globally routable unicast addresses.

    `is_global` also refuses what a list of private ranges misses: shared address space (100.64/10, where
    cloud metadata services live too), and the documentation and benchmarking ranges. An IPv4-mapped IPv6
    address is judged as the IPv4 address it carries; every other IPv6 form that embeds an IPv4 address
    (compatible, translated, NAT64, 6to4, Teredo) is refused whatever that address is, since a private one
    can hide behind any of them, and so is the deprecated site-local range.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif any(ip in network for network in _REFUSED_IPV6):
            return False
    return ip.is_global and not ip.is_multicast

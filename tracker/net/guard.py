"""SSRF guard: refuse URLs whose host resolves to a non-public address.

Source URLs come from config files and from redirects chosen by remote servers, so every hop is checked:
a redirect to 169.254.169.254 (cloud metadata) or to an intranet host must not be followed.

Known limit: httpx resolves the name again when it connects, so a DNS answer that changes between our
check and the connection (DNS rebinding) is not caught. Regulator hosts are fixed names in config; the
guard is there for redirects and typos, not for a hostile DNS server.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class PrivateAddressError(Exception):
    """The URL's host is (or resolves to) an address we refuse to contact."""


class ResolveError(Exception):
    """The host name did not resolve (DNS failure): a connection problem, not a policy refusal."""


def refusal_reason(address: IPAddress) -> str | None:
    """Why this address is not public, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # ::ffff:127.0.0.1 reaches 127.0.0.1.
        return refusal_reason(address.ipv4_mapped)
    checks = (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        # Carrier-grade NAT (100.64/10) and similar ranges are neither private nor global.
        ("non-global", not address.is_global),
    )
    for name, hit in checks:
        if hit:
            return name
    return None


class NetGuard:
    """Checks a URL's host before any packet is sent to it.

    allow_private=True disables the check (tests, intranet mirrors). `allowed_networks` admits a few
    specific non-public networks while refusing the rest, e.g. one mirror at 10.1.2.3/32.
    """

    def __init__(self, *, allow_private: bool, allowed_networks: Iterable[str | IPNetwork] = ()) -> None:
        self.allow_private = allow_private
        self.allowed_networks: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(n) if isinstance(n, str) else n for n in allowed_networks
        )

    def _admitted(self, address: IPAddress) -> bool:
        return any(address in network for network in self.allowed_networks)

    def check_address(self, address: IPAddress, host: str) -> None:
        reason = refusal_reason(address)
        if reason is not None and not self._admitted(address):
            shown = host if host == str(address) else f"{host} ({address})"
            raise PrivateAddressError(f"refused to contact {shown}: {reason} address")

    async def check_url(self, url: str) -> None:
        """Raise PrivateAddressError (policy) or ResolveError (DNS) for a URL we must not contact."""
        if self.allow_private:
            return
        parts = urlsplit(url)
        host = parts.hostname
        if not host:
            raise PrivateAddressError(f"refused {url!r}: no host name")
        for address in await resolve(host, parts.port or (443 if parts.scheme == "https" else 80)):
            self.check_address(address, host)


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to (an IP literal resolves to itself, without DNS)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = await asyncio.to_thread(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ResolveError(f"DNS lookup failed for {host}: {exc}") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        # IPv6 sockaddr may carry a zone ("fe80::1%eth0"); the zone is irrelevant to the check.
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise ResolveError(f"DNS lookup for {host} returned no addresses")
    return addresses

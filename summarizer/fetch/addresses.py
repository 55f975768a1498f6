"""Which addresses newsum may connect to, and a deadline no server can stretch.

AddressPolicy: the URLs a user typed (the CLI's URL, the config's feed URLs) are trusted, and so are their
hosts; an address a third party hands over (a redirect to another host, a feed entry link on another
host) is refused before connecting when its host resolves to a loopback, private, link-local, multicast,
reserved or unspecified address, IPv4 or IPv6, however written (decimal, hex and octal IPv4 forms resolve
like any name). `allow_private_links = true` lifts that for self-hosted setups. Cloud metadata addresses
are refused always, typed or not.

Deadline: one fetch (redirects, retries, headers and body) ends by a wall-clock deadline. A server that
drips its headers a byte a second never trips a read timeout, so at the deadline the connection's socket
is shut down from a timer, which wakes the blocked read.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from summarizer.errors import FetchError

METADATA = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean
    "169.254.170.2",  # AWS ECS task metadata
    "100.100.100.200",  # Alibaba Cloud
    "fd00:ec2::254",  # AWS over IPv6
))


def host_key(url: str) -> tuple[str, int | None]:
    """(host, port) of a URL, lower case, the port the scheme implies when none is written."""
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        port = None
    return ((parts.hostname or "").lower(), port)


def _rule(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is not public, or None when it is."""
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    for name in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{name}"):
            return name.replace("_", "-")
    return None


@dataclass(frozen=True)
class AddressPolicy:
    trusted: frozenset[tuple[str, int | None]] = frozenset()  # (host, port) the user typed
    allow_private: bool = False

    @classmethod
    def typed(cls, *urls: str, allow_private: bool = False) -> AddressPolicy:
        return cls(frozenset(host_key(u) for u in urls), allow_private)

    def check(self, url: str, *, what: str = "link") -> None:
        """Raise FetchError, before any connection, when url's host may not be connected to."""
        host, port = host_key(url)
        if not host:
            return
        try:
            infos = socket.getaddrinfo(host, port or 80, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return  # unresolvable: the request itself reports it
        for *_, sockaddr in infos:
            ip = ipaddress.ip_address(sockaddr[0].split("%")[0])
            if ip in METADATA or getattr(ip, "ipv4_mapped", None) in METADATA:
                raise FetchError(f"refusing {what} {url}: {host} is a cloud metadata address ({ip}), never fetched")
            if (host, port) in self.trusted or self.allow_private:
                continue
            rule = _rule(ip)
            if rule:
                raise FetchError(f"refusing {what} {url}: {host} resolves to {rule} address {ip} "
                                 "(set allow_private_links = true in the config to allow it)")


@dataclass
class Deadline:
    """Shuts down the sockets of one fetch when its time is up (see the module docstring)."""

    seconds: float
    ends: float = 0.0
    expired: bool = False
    _sockets: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ends = time.monotonic() + self.seconds
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        return self.ends - time.monotonic()

    def trace(self, event: str, info: dict) -> None:
        """httpx's request "trace" extension: keep the socket of every connection this fetch opens."""
        if event == "connection.connect_tcp.complete":
            sock = info["return_value"].get_extra_info("socket")
            if sock is not None:
                self._sockets.append(sock)
                if self.expired:
                    self._shut(sock)

    def _expire(self) -> None:
        self.expired = True
        for sock in self._sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        self._timer.cancel()

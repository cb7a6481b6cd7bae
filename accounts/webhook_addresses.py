"""Issue 14 (api-webhooks): webhooks never reach into the server's own network.

A subscription address that names, or resolves to, a private, loopback, link-local,
shared, reserved, multicast or unspecified address is refused: when it is created or
changed (`address_problems`, named `url` in the API and next to the field on the page)
and again at every delivery, because DNS can change between the two. At delivery the
check is made on the socket itself (`guarded_session`): the address the connection
actually reached is checked before a byte is sent, so a name that resolves to a public
address for the check and to 10.0.0.1 for the connection (DNS rebinding) is refused too.

Loopback (127.0.0.0/8, ::1) is allowed only where `WEBHOOKS_ALLOW_HTTP_LOOPBACK` is on:
the test receiver and development; production refuses to start with it on.

A name that does not resolve at all is not refused at creation (DNS may be down for a
moment; it cannot lead anywhere): its deliveries fail and are retried like any other.
"""

from __future__ import annotations

import ipaddress
import socket

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError


def address_refused(address: str) -> bool:
    """True for an IP address a webhook may not be sent to."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return not settings.WEBHOOKS_ALLOW_HTTP_LOOPBACK
    return (
        ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global  # e.g. 100.64.0.0/10 (shared address space)
    )


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (an IP literal resolves to itself); [] when it
    does not resolve."""
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})
    except (OSError, UnicodeError, ValueError):  # ValueError: e.g. a NUL in the name
        return []


def address_problems(host: str, port: int, *, name: str = "url") -> list[dict]:
    """The problem with an address whose host is or resolves to a refused address."""
    host = host.strip("[]")
    if any(address_refused(address) for address in resolve(host, port)):
        return [
            {
                "name": name,
                "code": "private_address",
                "reason": _(
                    "Dit adres wijst naar een intern, lokaal of gereserveerd netwerk; "
                    "webhooks gaan alleen naar openbare adressen."
                ),
            }
        ]
    return []


# --- at delivery: check the address the socket reached ---------------------------------------


class _PeerCheck:
    def _new_conn(self):
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        if address_refused(peer):
            sock.close()
            raise NewConnectionError(self, f"refused: {self.host} is {peer}, not a public address")
        return sock


class _GuardedHTTPConnection(_PeerCheck, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_PeerCheck, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


def guarded_session() -> requests.Session:
    """A requests session that connects only to addresses `address_refused` allows (no
    proxies from the environment: the peer checked must be the receiver itself)."""
    session = requests.Session()
    session.trust_env = False
    adapter = _GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session

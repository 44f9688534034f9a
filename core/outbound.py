"""Requests the server makes on an editor's behalf go only to public addresses.

A partner's push URL is typed by an editor, and the server POSTs to it: without a check,
anyone who may edit a partner could make the server talk to itself, to the private
network or to a cloud metadata service (server-side request forgery). Two checks:

- when the URL is saved (``validate_public_url``, a model field validator): ``https``
  (``http`` too while ``DEBUG`` is on), and a host that is, or resolves to, public
  addresses only; a name that does not resolve now is left to the second check;
- when connecting (``public_session()``): the address the socket actually connected to,
  after DNS resolution, is checked before a byte is sent, so a name that later resolves
  to 127.0.0.1 (DNS rebinding) is refused too. Redirects are not followed and the
  environment's proxies are ignored, so the connected peer is the partner itself.

``OUTBOUND_ALLOW_LOOPBACK`` (a setting, never read from the environment; tests only) lets
the test suite push to a server on 127.0.0.1; the deploy check refuses it with DEBUG off.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# Names that are never a partner, whatever a resolver says (cloud metadata services).
BLOCKED_NAMES = {"localhost", "metadata", "metadata.google.internal", "instance-data", "instance-data.ec2.internal"}


class BlockedAddress(requests.exceptions.InvalidURL):
    """The request would reach a loopback, private, link-local or otherwise non-public address.

    A ``requests`` exception that is not a connection error: not worth retrying.
    """


class _Blocked(Exception):
    """Raised inside urllib3, which would wrap an ``OSError`` into a retried connection error."""


def _loopback_allowed() -> bool:
    return bool(getattr(settings, "OUTBOUND_ALLOW_LOOPBACK", False))


def is_public_address(address: str) -> bool:
    """Whether ``address`` (an IP literal) is a public unicast address the server may reach."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
    if ip.is_loopback and _loopback_allowed():
        return True
    # is_global excludes private, loopback, link-local (169.254.169.254, the metadata
    # service), shared (100.64/10), reserved and documentation ranges; multicast separately.
    return ip.is_global and not ip.is_multicast


def _addresses(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return [info[4][0] for info in infos]


def validate_public_url(url: str) -> None:
    """Refuse a URL the server should not send requests to (the save-time check)."""
    if not url:
        return
    parts = urlsplit(url)
    schemes = ("https", "http") if settings.DEBUG else ("https",)
    if parts.scheme.lower() not in schemes:
        raise ValidationError(_("The address must start with https://."), code="scheme")
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise ValidationError(_("This address is not valid."), code="invalid") from exc
    if not host:
        raise ValidationError(_("This address is not valid."), code="invalid")
    host = host.rstrip(".").lower()
    refused = ValidationError(
        _(
            "This address points to the server itself or to a private network (loopback, private, "
            "link-local or metadata address): give the partner's public address."
        ),
        code="not_public",
    )
    if not _loopback_allowed() and (host in BLOCKED_NAMES or host.endswith(".localhost")):
        raise refused
    try:
        ipaddress.ip_address(host)
        literal = True
    except ValueError:
        literal = False
    if literal:
        if not is_public_address(host):
            raise refused
        return
    try:
        addresses = _addresses(host, port or (443 if parts.scheme.lower() == "https" else 80))
    except (OSError, UnicodeError):
        return  # not resolvable now: the connect-time check decides when it is
    if not addresses or not all(is_public_address(a) for a in addresses):
        raise refused


def _checked(sock):
    peer = sock.getpeername()[0]
    if not is_public_address(peer):
        sock.close()
        raise _Blocked(f"Refused to connect to the non-public address {peer}.")
    return sock


class _PublicHTTPConnection(HTTPConnection):
    def _new_conn(self):
        return _checked(super()._new_conn())


class _PublicHTTPSConnection(HTTPSConnection):
    def _new_conn(self):
        return _checked(super()._new_conn())


class _PublicHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """An adapter whose connections are checked once connected, before anything is sent."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PublicHTTPPool, "https": _PublicHTTPSPool}

    def send(self, request, *args, **kwargs):
        try:
            return super().send(request, *args, **kwargs)
        except _Blocked as exc:
            raise BlockedAddress(str(exc), request=request) from exc


def public_session() -> requests.Session:
    """A ``requests`` session that only reaches public addresses (and no proxy from the environment)."""
    session = requests.Session()
    session.trust_env = False
    adapter = PublicOnlyAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session

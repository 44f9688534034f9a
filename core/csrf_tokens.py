"""The CSRF token of a page served from the cache: made as Django makes it, in less time.

Django's ``get_token`` draws each of the 64 characters of a new visitor's secret and of the
token's mask with ``secrets.choice``: 73 µs a token on this machine, about as long as the
rest of a page cache hit for a visitor without a CSRF cookie (every product page holds the
add-to-cart form). Here the same characters are drawn from one ``secrets.token_bytes``
call: a byte is kept only below the largest multiple of the alphabet's length, so each
character stays equally likely, from the operating system's generator as Django's are.
The request's META is set as ``get_token`` sets it, so CsrfViewMiddleware sends the cookie
and checks the token as its own.
"""

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_BASE = len(CSRF_ALLOWED_CHARS)
_KEPT_BELOW = 256 - 256 % _BASE  # bytes at or above it would favour the first characters
_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}


def _random_indexes(count: int) -> list[int]:
    """``count`` independent, uniform indexes into CSRF_ALLOWED_CHARS."""
    found: list[int] = []
    while len(found) < count:
        found += [byte % _BASE for byte in secrets.token_bytes(count - len(found) + 8) if byte < _KEPT_BELOW]
    return found[:count]


def get_token(request) -> str:
    """What ``django.middleware.csrf.get_token`` returns (a masked token of the visitor's
    secret, a new secret when the request brought none), and the same marks on the request."""
    if "CSRF_COOKIE" in request.META:
        secret = request.META["CSRF_COOKIE"]
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # renew the cookie's expiry, as Django does
    else:
        secret = "".join(CSRF_ALLOWED_CHARS[index] for index in _random_indexes(CSRF_SECRET_LENGTH))
        request.META.update({"CSRF_COOKIE": secret, "CSRF_COOKIE_NEEDS_UPDATE": True})
    mask = _random_indexes(CSRF_SECRET_LENGTH)
    cipher = "".join(CSRF_ALLOWED_CHARS[(_INDEX[char] + add) % _BASE] for char, add in zip(secret, mask, strict=True))
    return "".join(CSRF_ALLOWED_CHARS[index] for index in mask) + cipher

"""A generation: a token in the cache that a change replaces, dropping every entry keyed by it.

Within one request a generation is read from the cache once and then remembered until the
request ends: a storefront page asks for the CMS generation four to eight times (the
offers, the menu, the site settings, the policy links …), each a round trip to Redis of
about 0.15 ms. Remembering it is also the safer order: every entry the request builds is
keyed by the generation read *before* the rows it was built from, so a change that lands
mid-request leaves that entry under a generation nobody reads any more, instead of filing
rows read before the change under the generation made after it. A bump made by the request
itself is remembered at once. Outside a request (a task, a command, a shell) nothing is
remembered: every read goes to the cache.
"""

import uuid
from contextvars import ContextVar

from django.core.cache import cache
from django.core.signals import request_finished, request_started

# Per request (a context variable: under ASGI, requests share threads, not contexts).
_read_in_this_request: ContextVar[dict[str, str] | None] = ContextVar("generations_read", default=None)


class Generation:
    def __init__(self, key: str):
        self.key = key

    def current(self) -> str:
        remembered = _read_in_this_request.get()
        if remembered is not None and self.key in remembered:
            return remembered[self.key]
        value = cache.get(self.key)
        if value is None:
            # Only the first of two requests that both found none makes it; the other reads it.
            cache.add(self.key, uuid.uuid4().hex, None)
            value = cache.get(self.key) or uuid.uuid4().hex  # the cache down: a generation nothing matches
        return self.remember(value)

    def remember(self, value: str) -> str:
        """Keep ``value`` (read from the cache by the caller) for the rest of this request."""
        remembered = _read_in_this_request.get()
        if remembered is not None:
            remembered[self.key] = value
        return value

    def remembered(self) -> str | None:
        """The value this request already read, or None (then read it from the cache)."""
        remembered = _read_in_this_request.get()
        return remembered.get(self.key) if remembered is not None else None

    def bump(self) -> None:
        value = uuid.uuid4().hex
        cache.set(self.key, value, None)
        self.remember(value)


def _request_started(**kwargs) -> None:
    _read_in_this_request.set({})


def _request_finished(**kwargs) -> None:
    _read_in_this_request.set(None)


request_started.connect(_request_started, dispatch_uid="ocop_market_generations_request_started")
request_finished.connect(_request_finished, dispatch_uid="ocop_market_generations_request_finished")

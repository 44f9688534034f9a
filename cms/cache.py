"""Reference data every storefront page shows (live offers, menu, site settings), cached.

Entries are keyed by a *generation* that any content change replaces, so a buyer
never sees a stale price or menu after an editor publishes: the signals connected in
``CmsConfig.ready`` call :func:`bump`. Offers also expire at their next start or end.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

GENERATION_KEY = "cms:generation"
DEFAULT_TIMEOUT = 300
_MISSING = object()
T = TypeVar("T")


def generation() -> str:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = uuid.uuid4().hex
        cache.set(GENERATION_KEY, value, None)
    return value


def bump(*args, **kwargs) -> None:
    """Forget every cached entry (a signal receiver: accepts any arguments)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def page_saved(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        bump()


def cached(name: str, build: Callable[[], tuple[T, int]]) -> T:
    """The entry ``name`` of this generation, or ``build()`` -> (value, timeout seconds)."""
    key = f"cms:{name}:{generation()}"
    entry = cache.get(key, _MISSING)
    # The entry carries its own expiry, checked against this process's clock: the cache
    # server (Redis) keeps time of its own, which tests that move the clock do not move.
    if entry is not _MISSING and time.time() < entry[0]:
        return entry[1]
    value, timeout = build()
    if timeout > 0:
        cache.set(key, (time.time() + timeout, value), timeout)
    return value

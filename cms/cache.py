"""Reference data every storefront page shows (live offers, menu, site settings), cached.

Entries are keyed by a *generation* that any content change replaces, so a buyer
never sees a stale price or menu after an editor publishes: the signals connected in
``CmsConfig.ready`` call :func:`bump`. Offers also expire at their next start or end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from wagtail.models import Page, PageViewRestriction

from core.cache_generation import Generation

GENERATION_KEY = "cms:generation"
DEFAULT_TIMEOUT = 300
_MISSING = object()
T = TypeVar("T")


_generation = Generation(GENERATION_KEY)


def generation() -> str:
    return _generation.current()


def bump(*args, **kwargs) -> None:
    """Forget every cached entry (a signal receiver: accepts any arguments)."""
    _generation.bump()


def page_saved(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        bump()


def cached(name: str, build: Callable[[], tuple[T, int]]) -> T:
    """The entry ``name`` of this generation, or ``build()`` -> (value, timeout seconds)."""
    return cached_until(name, build)[0]


def cached_until(name: str, build: Callable[[], tuple[T, int]]) -> tuple[T, float]:
    """Like :func:`cached`, with the time (``time.time()``) the value stops being valid."""
    key = f"cms:{name}:{generation()}"
    entry = cache.get(key, _MISSING)
    # The entry carries its own expiry, checked against this process's clock: the cache
    # server (Redis) keeps time of its own, which tests that move the clock do not move.
    if entry is not _MISSING and time.time() < entry[0]:
        return entry[1], entry[0]
    value, timeout = build()
    expires = time.time() + timeout
    if timeout > 0:
        cache.set(key, (expires, value), timeout)
    return value, expires


def any_view_restriction() -> bool:
    """Whether any page has a view restriction (a password, a login, groups)."""

    def build():
        return PageViewRestriction.objects.exists(), DEFAULT_TIMEOUT

    return cached("view-restrictions", build)

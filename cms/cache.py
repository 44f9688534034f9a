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


# This process's copies of the current generation's entries. Every storefront page reads
# three or four of them (offers, menu, site settings, policy links): from here a read costs
# no cache round trip and no unpickling of Wagtail objects, only the generation's own read,
# which still sees a change made by any process. The values are shared by the requests of
# this process: read them, never change them.
_LOCAL_LIMIT = 512
_local: dict[str, tuple[float, object]] = {}
_local_generation: str | None = None


def _remember(current: str, key: str, entry: tuple[float, object]) -> None:
    global _local_generation
    if _local_generation != current or len(_local) >= _LOCAL_LIMIT:
        _local.clear()
        _local_generation = current
    _local[key] = entry


def cached_until(name: str, build: Callable[[], tuple[T, int]]) -> tuple[T, float]:
    """Like :func:`cached`, with the time (``time.time()``) the value stops being valid."""
    current = generation()
    key = f"cms:{name}:{current}"
    # Each entry carries its own expiry, checked against this process's clock: the cache
    # server (Redis) keeps time of its own, which tests that move the clock do not move.
    entry = _local.get(key)
    if entry is not None and time.time() < entry[0]:
        return entry[1], entry[0]
    entry = cache.get(key, _MISSING)
    if entry is _MISSING or time.time() >= entry[0]:
        value, timeout = build()
        entry = (time.time() + timeout, value)
        if timeout <= 0:
            return value, entry[0]
        cache.set(key, entry, timeout)
    _remember(current, key, entry)
    return entry[1], entry[0]


def any_view_restriction() -> bool:
    """Whether any page has a view restriction (a password, a login, groups)."""

    def build():
        return PageViewRestriction.objects.exists(), DEFAULT_TIMEOUT

    return cached("view-restrictions", build)

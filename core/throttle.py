"""Throttling where guessing pays: attempts counted per client and per target in fixed windows.

A :class:`Limit` is a number of attempts per window (``ORDER_LOOKUP_BY_CLIENT``: 20 per 15
minutes ...). Views call :func:`exceeded` before acting and :func:`hit` to count an attempt
(every attempt, or only the failed ones: see each view); past a limit they answer
:func:`too_many` (429, a page in the site's language, ``Retry-After``).

Counted in Redis when the cache is Redis and answers (one ``INCR`` per attempt), otherwise
in the database (``ThrottleCount``): the embedded default's local-memory cache is one per
process and would let each gunicorn worker count on its own, and a Redis outage must not
lift the limits. Keys are hashed: no phone number or address is stored.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import random
import time
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import render

from .cache_backend import CacheUnavailable
from .models import ThrottleCount


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    seconds: int

    def window(self, now: float) -> int:
        return int(now // self.seconds)


MINUTES_15 = 15 * 60
HOUR = 60 * 60
# The thresholds (also in the README, "Throttling").
ORDER_LOOKUP_BY_CLIENT = Limit("lookup-client", 20, MINUTES_15)  # every attempt
ORDER_LOOKUP_BY_PHONE = Limit("lookup-phone", 10, MINUTES_15)  # failed attempts
ORDER_LOOKUP_BY_NUMBER = Limit("lookup-number", 5, MINUTES_15)  # failed attempts
LOGIN_BY_CLIENT = Limit("login-client", 30, MINUTES_15)  # every attempt
LOGIN_BY_PHONE = Limit("login-phone", 10, MINUTES_15)  # failed attempts, whatever the address
REGISTER_BY_CLIENT = Limit("register-client", 10, HOUR)  # every attempt
REGISTER_BY_PHONE = Limit("register-phone", 5, HOUR)  # every attempt
SET_PASSWORD_BY_CLIENT = Limit("set-password-client", 20, MINUTES_15)  # every request
SET_PASSWORD_BY_TOKEN = Limit("set-password-token", 10, MINUTES_15)  # every request
# A buyer's one-time sign-in code: each code sent costs an SMS and reaches a person's phone, so
# sending is limited per client and per phone; wrong codes are limited across codes, so that
# asking for new codes does not buy new guesses.
BUYER_CODE_BY_CLIENT = Limit("buyer-code-client", 10, HOUR)  # every code sent
BUYER_CODE_BY_PHONE = Limit("buyer-code-phone", 5, HOUR)  # every code sent
BUYER_VERIFY_BY_CLIENT = Limit("buyer-verify-client", 20, MINUTES_15)  # wrong codes
BUYER_VERIFY_BY_PHONE = Limit("buyer-verify-phone", 10, HOUR)  # wrong codes, whatever the address
FEED_TOKEN_BY_CLIENT = Limit("feed-client", 30, MINUTES_15)  # wrong tokens
FEED_TOKEN_BY_PARTNER = Limit("feed-partner", 100, MINUTES_15)  # wrong tokens (the right one still passes)


def client_id(request) -> str:
    """The client's address, as django-axes sees it (the same proxy settings)."""

    return get_client_ip_address(request) or "unknown"


def _key(limit: Limit, ident: str, window: int) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{limit.scope}:{ident}".encode()).hexdigest()
    return hashlib.sha256(f"{digest}:{window}".encode()).hexdigest()


def _redis():
    """The cache, when it is Redis (counts shared by every process), else None."""
    return cache if hasattr(cache, "breaker") else None


def _now() -> float:
    return time.time()


def count(limit: Limit, ident: str) -> int:
    """Attempts so far in the current window."""

    now = _now()
    window = limit.window(now)
    key = _key(limit, ident, window)
    redis = _redis()
    if redis is not None:
        try:
            return int(redis.get_or_raise(f"throttle:{key}") or 0)
        except CacheUnavailable:
            pass
    row = ThrottleCount.objects.filter(key=key, window_start=_window_start(limit, window)).first()
    return row.count if row else 0


def exceeded(*checks: tuple[Limit, str]) -> Limit | None:
    """The first of ``(limit, ident)`` whose count has reached its limit, else None."""
    for limit, ident in checks:
        if ident and count(limit, ident) >= limit.count:
            return limit
    return None


def hit(*checks: tuple[Limit, str]) -> None:
    """Count one attempt against each ``(limit, ident)``."""
    for limit, ident in checks:
        if ident:
            _increment(limit, ident)


def _window_start(limit: Limit, window: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(window * limit.seconds, tz=datetime.UTC)


def _increment(limit: Limit, ident: str) -> int:
    now = _now()
    window = limit.window(now)
    key = _key(limit, ident, window)
    redis = _redis()
    if redis is not None:
        try:
            cache_key = f"throttle:{key}"
            redis.add(cache_key, 0, limit.seconds + 1)
            return redis.incr(cache_key)
        except (CacheUnavailable, ValueError):  # ValueError: the key was not added (Redis just failed)
            pass
    start = _window_start(limit, window)
    if random.random() < 0.01:
        ThrottleCount.objects.filter(window_start__lt=start - datetime.timedelta(days=1)).delete()
    with transaction.atomic():
        updated = ThrottleCount.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    ThrottleCount.objects.create(key=key, window_start=start, count=1)
            except IntegrityError:  # another process created it meanwhile
                ThrottleCount.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
    return ThrottleCount.objects.get(key=key, window_start=start).count


def too_many(request, limit: Limit):
    """429 with a page in the site's language; ``Retry-After`` until the window ends."""
    retry_after = max(1, math.ceil((limit.window(_now()) + 1) * limit.seconds - _now()))
    response = render(request, "throttled.html", {"minutes": max(1, math.ceil(retry_after / 60))}, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response

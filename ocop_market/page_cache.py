"""Whole storefront pages cached for anonymous visitors, dropped as soon as what they show changes.

A buyer who is not signed in and holds nothing in a session (no cart, no message) sees
the same listing, product, stall and CMS page as every other such buyer: the first one
renders it, the next ones get the stored HTML (in Redis when ``REDIS_URL`` is set), with
no SQL query. While one request renders a page, the others asking for it wait for it
(``STOREFRONT_COLLAPSE_SECONDS`` at most, then they render it themselves) instead of all
rendering it at once.

Never stale:

- each page records what it shows (the products, stalls, pages it loaded, the listings it
  is), and a change drops exactly the pages that showed it or whose list it can change:
  see :mod:`core.page_tags`, whose receivers (:func:`page_tags.connect`) and
  the services that change rows without signals (stock reserved and released by orders,
  certificates expired by the daily job) say what changed; once at once, once more when
  the transaction commits, so a page rendered in between from the old rows is not kept;
- every entry also carries the *generation* it was rendered under, which
  :func:`storefront_changed` replaces, for what cannot be narrowed to some pages
  (categories, provinces, images, site settings, menus) and when Redis cannot take a change;
- an entry is kept no longer than ``STOREFRONT_CACHE_SECONDS``, nor past the moment the
  offers on sale change by the clock alone (a promotion starting or ending: see
  ``cms.promotions.offers_valid_until``), nor past midnight, when certificates expire.

Each visitor keeps a CSRF token of their own: the product page's "add to cart" form is
stored with a placeholder, which is replaced by the visitor's token (and its cookie set)
when the page is served. Django's cache middleware cannot do this: it keys pages by the
``Cookie`` header and declines responses that set the CSRF cookie, and it has no way to
drop pages when the catalog changes.

Only the views named in ``STOREFRONT_CACHED_VIEWS`` are cached, and only complete 200
responses to GET or HEAD that neither touched the session nor asked not to be cached.
``X-Page-Cache: hit`` or ``miss`` tells which one answered. A page is stored as a small
stub (generation, expiry, a random tag of this rendering) and its body; each process also
keeps the pages it served last (256), so that a hit reads the generation and the stub
only (a few bytes) and serves its own copy while the stub names it. Those two keys are read
through :class:`core.cache_backend.TrackedReads`: Redis tells the process when either
changes, so a hit on a page nothing changed makes no round trip at all.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import re
import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from cms.promotions import offers_valid_until
from core import page_tags
from core.csrf_tokens import get_token
from core.page_invalidation import GENERATION_KEY, current_generation

HEADER = "X-Page-Cache"
# What the template's {% csrf_token %} writes, and what stands for it in a stored page.
_TOKEN_FIELD = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(">)')
_PLACEHOLDER = b"@@ocop-csrf-token@@"
# The response headers worth storing; the others are added again by the middleware on the way out.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Link", "X-Frame-Options")


# --- the middleware ------------------------------------------------------------------------


def _enabled() -> bool:
    return settings.STOREFRONT_CACHE_SECONDS > 0


_views: dict[tuple, str | None] = {}
_VIEWS_LIMIT = 4096


def _view_name(request) -> str | None:
    """The name of the view the path resolves to, remembered: the handler resolves it again
    later, and every request asks (the answer depends on the path, the URLconf and, through
    i18n_patterns, the language only)."""
    urlconf = getattr(request, "urlconf", None)
    key = (request.path_info, urlconf, request.LANGUAGE_CODE)
    try:
        return _views[key]
    except KeyError:
        pass
    try:
        name = resolve(request.path_info, urlconf).view_name
    except Resolver404:
        name = None
    if len(_views) >= _VIEWS_LIMIT:
        _views.clear()
    _views[key] = name
    return name


def _cacheable(request):
    """The view's name when the request may be answered from the cache, else None."""
    if request.method not in ("GET", "HEAD"):
        return None
    name = _view_name(request)
    if name not in settings.STOREFRONT_CACHED_VIEWS:
        return None
    if "messages" in request.COOKIES:  # a flash message waiting in the messages cookie
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        # A session with anything in it (a signed-in user, a cart, a message) shows on the page.
        return None if request.session.keys() else name
    return name


def _key(request) -> str:
    page = f"{request.scheme}://{request.get_host()}{request.get_full_path()} {request.LANGUAGE_CODE}"
    return f"pages:{hashlib.sha256(page.encode()).hexdigest()}"


def _valid_until() -> float:
    """Until when a page rendered now may be served: see the module's docstring."""

    now = time.time()
    local = timezone.localtime()
    midnight = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(), local.tzinfo)
    return min(now + settings.STOREFRONT_CACHE_SECONDS, offers_valid_until(), midnight.timestamp())


# Every Wagtail page may list the newest products, stalls, promotions and articles.
_WAGTAIL_TAGS = ("cms", "m:all", "s:all", "p:all", "stalls")


class PageCacheMiddleware:
    """Serve and store the storefront's anonymous pages.

    Place it after the session, locale and CSRF middleware (it reads the session, the
    language, and gives each buyer a CSRF token) and before the others: a hit is answered
    before they run (authentication and messages have nothing to do for a buyer with an
    empty session), with the headers they had added to the stored page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _enabled():
            return self.get_response(request)
        view_name = _cacheable(request)
        if view_name is None:
            return self.get_response(request)
        key = _key(request)
        hit, generation = _lookup(request, key)
        if hit is not None:
            return hit
        role = _collapsing.lead(key)
        try:
            if role is _FOLLOW:
                hit, generation = _collapsing.wait(key, lambda: _lookup(request, key))
                if hit is not None:
                    return hit
            elif role is _LOCKED:
                # The one rendering before this request may have stored the page and let go
                # of the lock between the lookup above and taking it: look once more.
                hit, generation = _lookup(request, key)
                if hit is not None:
                    return hit
            return self._render(request, view_name, key, generation)
        finally:
            if role is _LOCKED:
                _collapsing.done(key)

    def _render(self, request, view_name, key, generation):
        found = page_tags.index()
        try:
            clock = found.clock() if found is not None else 0
        except page_tags.Unavailable:
            found, clock = False, 0  # no index: nothing is stored
        token = page_tags.start()
        try:
            response = self.get_response(request)
        finally:
            tags = page_tags.finish(token)
        if view_name == "wagtail_serve":
            tags.update(_WAGTAIL_TAGS)
        if found is not False and _store(request, key, generation, response, tags, found, clock):
            response[HEADER] = "miss"
        return response


def _lookup(request, key):
    """The page from the cache for this request, or None; and the current generation."""
    # At most one round trip: the generation and the page's stub, and its body unless this
    # process holds a copy. A generation missing from the cache is made anew: nothing matches it.
    local = _recent.get(key)
    body_key = f"{key}:body"
    if local is not None and hasattr(cache, "get_many_tracked"):
        # Without a round trip while Redis has not said either changed (core.cache_backend.TrackedReads).
        found = cache.get_many_tracked([GENERATION_KEY, key])
    else:
        found = cache.get_many([GENERATION_KEY, key] if local else [GENERATION_KEY, key, body_key])
    generation = found.get(GENERATION_KEY) or current_generation()
    stub = found.get(key)
    # The entry carries its own expiry, checked by this process's clock (see cms.cache).
    if stub is None or stub[0] != generation or time.time() >= stub[1]:
        return None, generation
    rendering = stub[2]
    if local is not None and local[0] == rendering:
        entry = local
    else:
        entry = found.get(body_key) if local is None else cache.get(body_key)
        if entry is None or entry[0] != rendering:
            return None, generation
        _recent.put(key, entry)
    _rendering, content, headers = entry
    response = HttpResponse(content, headers=headers)
    if _PLACEHOLDER in content:  # this visitor's own token, and its cookie on the way out
        response.content = content.replace(_PLACEHOLDER, get_token(request).encode())
        patch_vary_headers(response, ("Cookie",))
    response[HEADER] = "hit"
    return response, generation


def _store(request, key, generation, response, tags, found, clock) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if any(word in response.get("Cache-Control", "") for word in ("private", "no-store", "no-cache")):
        return False
    if request.session.modified:  # the view wrote to the (empty) session: a page for this buyer
        return False
    expires = _valid_until()
    timeout = int(expires - time.time())
    if timeout <= 0:
        return False
    content = _TOKEN_FIELD.sub(rb"\1" + _PLACEHOLDER + rb"\2", response.content)
    headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
    rendering = uuid.uuid4().hex
    body = (rendering, content, headers)
    tags = sorted(tags)
    try:
        if found is not None:  # listed before it is stored: a change from now on finds it
            found.register(key, tags, timeout)
        if cache.set_many({key: (generation, expires, rendering), f"{key}:body": body}, timeout):
            return False  # Redis did not take it
        if found is not None and found.changed_since(tags, clock):
            cache.delete(key)  # rendered from rows a change replaced meanwhile
            return False
    except page_tags.Unavailable:
        cache.delete(key)
        return False
    _recent.put(key, body)
    return True


# --- request collapsing ----------------------------------------------------------------------


_LOCKED, _ALONE, _FOLLOW = "locked", "alone", "follow"


class _Collapsing:
    """One rendering of a page at a time: a lock in the cache (``add``), which the others
    poll for the stored page; within a process they are woken as soon as it is stored."""

    def __init__(self):
        self._events: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _seconds() -> float:
        return getattr(settings, "STOREFRONT_COLLAPSE_SECONDS", 0)

    def lead(self, key: str) -> str:
        """Whether this request renders the page: ``_LOCKED`` when it took the lock,
        ``_ALONE`` when there is no lock to take, ``_FOLLOW`` when another request holds it."""
        seconds = self._seconds()
        if seconds <= 0:
            return _ALONE
        breaker = getattr(cache, "breaker", None)
        if breaker is not None and breaker.is_open:
            return _ALONE  # without Redis, no lock: everybody renders
        if cache.add(f"{key}:rendering", 1, max(1, math.ceil(seconds))):
            with self._lock:
                self._events[key] = threading.Event()
            return _LOCKED
        return _ALONE if breaker is not None and breaker.is_open else _FOLLOW

    def done(self, key: str) -> None:
        cache.delete(f"{key}:rendering")
        with self._lock:
            event = self._events.pop(key, None)
        if event is not None:
            event.set()

    def wait(self, key: str, lookup):
        """The page once another request stored it; (None, generation) when it did not
        (it was not cacheable, or it took longer than STOREFRONT_COLLAPSE_SECONDS)."""
        deadline = time.monotonic() + self._seconds()
        pause = 0.002
        generation = None
        while (left := deadline - time.monotonic()) > 0:
            with self._lock:
                event = self._events.get(key)
            if event is not None:
                event.wait(min(left, 0.05))
            else:
                time.sleep(min(left, pause))
                pause = min(pause * 2, 0.025)
            hit, generation = lookup()
            if hit is not None:
                return hit, generation
            if cache.get(f"{key}:rendering") is None:
                # Done meanwhile: stored between the two reads, or not storable.
                return lookup()
        return None, generation if generation is not None else current_generation()


_collapsing = _Collapsing()


class _Recent:
    """The pages this process served last, so that a hit reads only the stub from Redis
    (a few bytes) rather than the page too (tens of KB). Served only while the stub names
    this very rendering: a copy is never served after a change."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[str, tuple] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


_recent = _Recent(256)

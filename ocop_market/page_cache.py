"""Whole storefront pages cached for anonymous visitors, dropped as soon as what they show changes.

A buyer who is not signed in and holds nothing in a session (no cart, no message) sees
the same listing, product, stall and CMS page as every other such buyer: the first one
renders it, the next ones get the stored HTML (in Redis when ``REDIS_URL`` is set), with
no SQL query.

Never stale:

- every entry carries the *generation* it was rendered under, which
  :func:`storefront_changed` replaces. It is
  called by the signals connected in :func:`connect_signals` (any save or delete of a
  model of ``catalog``, ``producers``, ``cms`` or ``traceability``, any Wagtail page or image, page
  publishing and moving) and by the services that change rows without signals (stock
  reserved and released by orders, certificates expired by the daily job); once at
  once, once more when the transaction commits, so a page rendered in between from the
  old rows is not kept. A product page also carries its product's own version, which an
  order's stock change replaces alone (:func:`product_stock_changed`), unless the product
  sells out or comes back;
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
``X-Page-Cache: hit`` or ``miss`` tells which one answered. Each process also keeps the
pages it served last (256), so that a hit reads only the versions from Redis; the copy is
served only while its versions are the current ones.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from .cache_generation import Generation

GENERATION_KEY = "pages:generation"
WATCHED_APPS = frozenset({"catalog", "producers", "cms", "traceability"})
HEADER = "X-Page-Cache"
# What the template's {% csrf_token %} writes, and what stands for it in a stored page.
_TOKEN_FIELD = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(">)')
_PLACEHOLDER = b"@@ocop-csrf-token@@"
# The response headers worth storing; the others are added again by the middleware on the way out.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Link", "X-Frame-Options")


# --- the generation ------------------------------------------------------------------------


_generation = Generation(GENERATION_KEY)
_bump = _generation.bump


def storefront_generation() -> str:
    """The current generation: key other storefront caches (counts, fragments) with it."""
    return _generation.current()


def storefront_changed(*args, **kwargs) -> None:
    """Drop every cached page (also a signal receiver: it accepts any arguments).

    Now, so this very transaction's later reads do not find an old page, and again after
    the commit, so a page another request rendered from the old rows meanwhile is dropped.
    """
    _bump()
    transaction.on_commit(_bump)


def product_stock_changed(slug: str, *, sold_out_changed: bool) -> None:
    """Stock reserved or released by an order: only the product's own page shows the number
    left; every card shows "out of stock", so all pages go when the product sells out or
    comes back."""
    if sold_out_changed:
        storefront_changed()
        return
    version = _product_version(slug)
    version.bump()
    transaction.on_commit(version.bump)


def _product_version(slug: str) -> Generation:
    return Generation(f"pages:product:{slug}")


def _model_changed(sender, instance=None, created=False, **kwargs) -> None:
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.images.models import AbstractImage, AbstractRendition
    from wagtail.models import Page

    # Made while rendering a page, from what it shows already: a rendition of an image, the
    # site's settings with their defaults on their first reading.
    if issubclass(sender, AbstractRendition) or (created and issubclass(sender, BaseSiteSetting)):
        return
    if sender._meta.app_label in WATCHED_APPS or isinstance(instance, Page | AbstractImage):
        storefront_changed()


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_model_changed, dispatch_uid=f"page_cache_{signal!r}")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(storefront_changed, dispatch_uid=f"page_cache_{signal!r}")


# --- the middleware ------------------------------------------------------------------------


def _enabled() -> bool:
    return settings.STOREFRONT_CACHE_SECONDS > 0


def _cacheable(request):
    """The URL's match when the request may be answered from the cache, else None."""
    if request.method not in ("GET", "HEAD"):
        return None
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    if match.view_name not in settings.STOREFRONT_CACHED_VIEWS:
        return None
    if "messages" in request.COOKIES:  # a flash message waiting in the messages cookie
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        # A session with anything in it (a signed-in user, a cart, a message) shows on the page.
        return None if request.session.keys() else match
    return match


def _key(request) -> str:
    page = f"{request.scheme}://{request.get_host()}{request.get_full_path()} {request.LANGUAGE_CODE}"
    return f"pages:{hashlib.sha256(page.encode()).hexdigest()}"


def _valid_until() -> float:
    """Until when a page rendered now may be served: see the module's docstring."""
    from cms.promotions import offers_valid_until

    now = time.time()
    local = timezone.localtime()
    midnight = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(), local.tzinfo)
    return min(now + settings.STOREFRONT_CACHE_SECONDS, offers_valid_until(), midnight.timestamp())


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
        hit = self._lookup(request) if _enabled() else None
        if hit is not None:
            return hit
        response = self.get_response(request)
        missed = getattr(request, "_page_cache_miss", None)
        if missed is not None and self._store(request, *missed, response):
            response[HEADER] = "miss"
        return response

    @staticmethod
    def _lookup(request):
        match = _cacheable(request)
        if match is None:
            return None
        key = _key(request)
        versions = [_generation]
        if match.view_name == "catalog:product-detail":
            versions.append(_product_version(match.kwargs.get("slug", "")))
        # One round trip: the versions the page depends on, and the page unless this process
        # holds a copy. Pages are stored with the versions they were rendered under and their
        # own expiry (checked by this process's clock, see cms.cache). A version missing from
        # the cache is made anew: nothing matches it.
        local = _recent.get(key)
        names = [v.key for v in versions]
        found = cache.get_many(names if local else [*names, key])
        current = tuple(found.get(v.key) or v.current() for v in versions)
        entry = local or found.get(key)
        if entry is None or entry[0] != current or time.time() >= entry[1]:
            request._page_cache_miss = (key, current)
            return None
        if local is None:
            _recent.put(key, entry)
        _rendered_under, _expires, content, headers = entry
        response = HttpResponse(content, headers=headers)
        if _PLACEHOLDER in content:  # this visitor's own token, and its cookie on the way out
            response.content = content.replace(_PLACEHOLDER, get_token(request).encode())
            patch_vary_headers(response, ("Cookie",))
        response[HEADER] = "hit"
        return response

    @staticmethod
    def _store(request, key, versions, response) -> bool:
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
        entry = (versions, expires, content, headers)
        cache.set(key, entry, timeout)
        _recent.put(key, entry)
        return True


class _Recent:
    """The pages this process served last, so that a hit reads only the versions from Redis
    (a few bytes) rather than the page too (tens of KB). Always checked against the
    current versions: a copy is never served after a change."""

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

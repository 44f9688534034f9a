"""What each cached page shows, and dropping exactly the pages a change reaches (surrogate keys).

A page being rendered for the page cache collects *tags* (as Fastly's surrogate keys and
Varnish's ``xkey`` do):

- the rows it loaded: ``product:<id>`` (and ``stock:<id>`` on the product's own page, the
  only one showing the number left), ``stall:<id>``, ``producer:<id>``, ``batch:<id>``,
  ``page:<id>`` (recorded as the rows are read from the database, :func:`connect`);
- the lists whose *membership or order* a change can move without the page having loaded
  the row (a product published enters listings it was never on): ``<kind>:<scope>``, where
  the kind is ``m`` (publishing, category, stall, name and searchable text, stars), ``s``
  (in stock or sold out) or ``p`` (price), and the scope ``all``, ``cat:<id>``,
  ``prov:<id>`` or ``producer:<id>``. A listing records ``m`` of its narrowest filter's scope,
  ``s`` too when it shows products in stock only, ``p`` when a price filters or sorts it;
- ``stalls`` (the stalls' directory), ``search`` (every result of a search), ``cms``
  (every Wagtail page: they show the latest articles, promotions and products).

A change *invalidates* tags: every page stored with one of them is deleted from the cache
(an index of pages per tag). A page rendered while a change commits is not kept either:
it notes the index's clock before rendering, registers in the index before it is stored,
and is deleted again if one of its tags changed since (:meth:`Index.store`). What this
module cannot narrow (categories, provinces, images, site settings, pages in the menu)
replaces the page cache's generation, which every page carries: all pages go.

Three indexes: Redis (production; sets per tag, a logical clock, through the cache's
circuit breaker), this process's memory (with the local-memory cache, which is this
process's too), and none (any other cache: every change replaces the generation). When
Redis cannot answer, a change replaces the generation (the write is remembered and the key
deleted when Redis is back), and no page is stored: never stale.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.images.models import AbstractImage, AbstractRendition
from wagtail.models import Page, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move

from .cache_backend import CacheUnavailable, RedisCache

# --- recording -------------------------------------------------------------------------------

_collecting: contextvars.ContextVar[set | None] = contextvars.ContextVar("page_tags", default=None)


def start() -> contextvars.Token:
    """Collect the tags of the page about to be rendered in this context."""
    return _collecting.set(set())


def finish(token: contextvars.Token) -> set[str]:
    tags = _collecting.get() or set()
    _collecting.reset(token)
    return tags


def record(*tags: str) -> None:
    """Note that the page being rendered (if any) shows these."""
    collected = _collecting.get()
    if collected is not None:
        collected.update(tags)


def recording() -> bool:
    return _collecting.get() is not None


KINDS = ("m", "s", "p")


def scopes(*, category_ids: Iterable = (), province_ids: Iterable = (), producer_ids: Iterable = ()) -> set[str]:
    """The scopes a product with these (its category and the category's parent) belongs to."""
    found = {"all"}
    found.update(f"cat:{pk}" for pk in category_ids if pk is not None)
    found.update(f"prov:{pk}" for pk in province_ids if pk is not None)
    found.update(f"producer:{pk}" for pk in producer_ids if pk is not None)
    return found


def listing_tags(*, category=None, province=None, producer_id=None, in_stock=False, by_price=False, search=False):
    """The membership tags of a product listing with these filters: its narrowest scope."""
    if producer_id is not None:
        scope = f"producer:{producer_id}"
    elif category is not None:
        scope = f"cat:{category}"
    elif province is not None:
        scope = f"prov:{province}"
    else:
        scope = "all"
    tags = {f"m:{scope}"}
    if in_stock:
        tags.add(f"s:{scope}")
    if by_price:
        tags.add(f"p:{scope}")
    if search:
        tags.add("search")
    return tags


# --- the indexes -------------------------------------------------------------------------------

# How long a tag's last change is remembered: longer than any page takes to render.
CHANGE_MEMORY_SECONDS = 600
LOCAL_LIMIT = 200_000  # pages × tags held by the in-memory index before it starts over


class Unavailable(Exception):
    pass


class RedisIndex:
    """Sets ``pages:tag:<tag>`` of page keys, ``pages:changed:<tag>`` at the clock ``pages:clock``."""

    def __init__(self, backend):
        self.backend = backend

    def _key(self, name: str) -> str:
        return self.backend.make_key(name)

    def _run(self, call):
        try:
            return self.backend._through_breaker(call)
        except CacheUnavailable as error:
            raise Unavailable from error

    def _client(self):
        return self.backend._cache.get_client(write=True)

    def clock(self) -> int:
        value = self._run(lambda: self._client().get(self._key("pages:clock")))
        return int(value or 0)

    def register(self, key: str, tags: Iterable[str], timeout: int) -> None:
        full = self._key(key)
        # As long as any page may live, whichever registered last: a set that expired under a
        # live page would let a change miss it.
        lifetime = settings.STOREFRONT_CACHE_SECONDS + 60

        def call():
            pipe = self._client().pipeline(transaction=False)
            for tag in tags:
                name = self._key(f"pages:tag:{tag}")
                pipe.sadd(name, full)
                pipe.expire(name, lifetime)
            pipe.execute()

        self._run(call)

    def changed_since(self, tags: list[str], clock: int) -> bool:
        if not tags:
            return False
        names = [self._key(f"pages:changed:{tag}") for tag in tags]
        values = self._run(lambda: self._client().mget(names))
        return any(value is not None and int(value) > clock for value in values)

    def invalidate(self, tags: Iterable[str]) -> int:
        tags = sorted(set(tags))
        if not tags:
            return 0

        def call():
            client = self._client()
            now = client.incr(self._key("pages:clock"))
            pipe = client.pipeline(transaction=True)  # each set read and emptied at once
            for tag in tags:
                pipe.set(self._key(f"pages:changed:{tag}"), now, ex=CHANGE_MEMORY_SECONDS)
                name = self._key(f"pages:tag:{tag}")
                pipe.smembers(name)
                pipe.delete(name)
            results = pipe.execute()
            pages = set().union(*(results[i] for i in range(1, len(results), 3)))
            return client.delete(*pages) if pages else 0

        return self._run(call)


class LocalIndex:
    """The same in this process's memory, for the local-memory cache (one per process too)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tags: dict[str, set[str]] = {}
        self._changed: dict[str, int] = {}
        self._clock = 0
        self._size = 0

    def clock(self) -> int:
        return self._clock

    def register(self, key: str, tags: Iterable[str], timeout: int) -> None:
        with self._lock:
            if self._size > LOCAL_LIMIT:  # pages long expired still listed: start over,
                from . import page_invalidation  # and the pages it listed go with it (a cycle: it imports this module)

                self._tags.clear()
                self._size = 0
                page_invalidation.bump_generation()
            for tag in tags:
                self._tags.setdefault(tag, set()).add(key)
                self._size += 1

    def changed_since(self, tags: list[str], clock: int) -> bool:
        with self._lock:
            return any(self._changed.get(tag, -1) > clock for tag in tags)

    def invalidate(self, tags: Iterable[str]) -> int:
        with self._lock:
            self._clock += 1
            pages: set[str] = set()
            for tag in set(tags):
                self._changed[tag] = self._clock
                members = self._tags.pop(tag, ())
                self._size -= len(members)
                pages.update(members)
            if len(self._changed) > LOCAL_LIMIT:
                self._changed = {tag: at for tag, at in self._changed.items() if at > self._clock - 1000}
        backend = caches["default"]
        return sum(1 for key in pages if backend.delete(key))

    def reset(self) -> None:
        with self._lock:
            self._tags.clear()
            self._changed.clear()
            self._size = 0


_local = LocalIndex()


def index():
    """The index for the default cache, or None when it cannot keep one (see the docstring)."""

    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return RedisIndex(backend)
    if isinstance(backend, LocMemCache):
        return _local
    return None


# --- invalidating ------------------------------------------------------------------------------

# Pages each kind of change dropped in this process (for the benchmark's report).
counts: dict[str, int] = {}


def invalidate(tags: Iterable[str], *, kind: str = "other") -> None:
    """Drop the pages showing any of ``tags``: now, and again when the transaction commits
    (a page rendered meanwhile from the rows before the change is not kept)."""
    tags = frozenset(tags)
    if not tags:
        return
    _invalidate_now(tags, kind)
    transaction.on_commit(lambda: _invalidate_now(tags, kind))


def _invalidate_now(tags: frozenset, kind: str) -> None:
    from . import page_invalidation  # a cycle: it imports this module

    found = index()
    if found is None:
        page_invalidation.bump_generation()
        counts[kind] = counts.get(kind, 0) + 1
        return
    if any(tag[:2] in ("m:", "s:", "p:") or tag == "stalls" for tag in tags):
        page_invalidation.counts_changed()
    try:
        dropped = found.invalidate(tags)
    except Unavailable:
        page_invalidation.bump_generation()  # remembered when Redis cannot take it: all pages go
        dropped = 0
    counts[kind] = counts.get(kind, 0) + dropped


def membership_tags(kinds: Iterable[str], product_scopes: Iterable[str]) -> set[str]:
    return {f"{kind}:{scope}" for kind in kinds for scope in product_scopes}


def product_scopes(product_ids: Iterable[int]) -> dict[int, set[str]]:
    """The listing scopes of these products as stored now (one query)."""
    Product = apps.get_model("catalog.product")

    rows = Product.objects.filter(pk__in=list(product_ids)).values_list(
        "pk", "category_id", "category__parent_id", "producer_id", "producer__stall__province_id"
    )
    return {
        pk: scopes(category_ids=(category, parent), province_ids=(province,), producer_ids=(producer,))
        for pk, category, parent, producer, province in rows
    }


def products_changed(product_ids: Iterable[int], *, kinds: Iterable[str] = (), kind: str = "product") -> None:
    """These products changed; ``kinds`` of listing they may enter, leave or move in."""
    product_ids = list(product_ids)
    tags = {f"product:{pk}" for pk in product_ids}
    kinds = tuple(kinds)
    if kinds:
        for found in product_scopes(product_ids).values():
            tags |= membership_tags(kinds, found)
    invalidate(tags, kind=kind)


def products_where_changed(condition) -> None:
    """The products matching ``condition`` (a Q) changed how they show (an offer's price)."""
    Product = apps.get_model("catalog.product")

    ids = list(Product.objects.filter(condition).values_list("pk", flat=True)[: MANY_PRODUCTS + 1])
    if len(ids) > MANY_PRODUCTS:
        from .page_invalidation import storefront_changed  # a cycle: it imports this module

        storefront_changed()
    elif ids:
        products_changed(ids, kind="offer")


# Past this many products, one change drops every page rather than each product's pages.
MANY_PRODUCTS = 2000


# --- what each change reaches -----------------------------------------------------------------

# core sits below the apps it watches: it names their rows by label and gets the models from
# the app registry, never by importing them.
WATCHED_APPS = frozenset({"catalog", "producers", "cms", "traceability"})
# The rows a page records when it loads them, by model (label): the tag's prefix.
TAGGED = {
    "catalog.product": "product",
    "producers.stall": "stall",
    "producers.producer": "producer",
    "traceability.batch": "batch",
}
# What of a product moves it in or out of a listing, or within one ("m"), besides its price
# ("p") and whether it is in stock ("s"): what the catalog's filters, sorts and search read.
PRODUCT_LISTED = ("status", "category_id", "producer_id", "name", "search_text", "published_at")
PRODUCT_SNAPSHOT = (*PRODUCT_LISTED, "price", "stock")
# What of a stall moves every product of it in or out of the listings (or breaks its links).
STALL_LISTED = ("is_published", "province_id", "slug", "producer_id")
_MISSING = object()


def _tag_of(model) -> str | None:
    if issubclass(model, Page):
        return "page"
    return TAGGED.get(model._meta.label_lower)


def _on_load(prefix: str, snapshot: tuple[str, ...]):
    """The post_init receiver of one tagged model: the page being rendered shows this row, and
    the row keeps the values its next save compares with. One per model, made when connected,
    so that loading a row looks nothing up (a page of 24 cards loads 72 tagged rows)."""

    def loaded(sender, instance, **kwargs) -> None:
        pk = instance.pk
        if pk is None:
            return
        collected = _collecting.get()
        if collected is not None:
            collected.add(f"{prefix}:{pk}")
        if snapshot:
            _take_snapshot(instance, snapshot)

    return loaded


_SNAPSHOTS = {"catalog.product": PRODUCT_SNAPSHOT, "producers.stall": STALL_LISTED}


def _take_snapshot(instance, names: tuple[str, ...]) -> None:
    """Remember the row's values of ``names`` as loaded: what its next save compares with."""
    values = instance.__dict__
    instance._page_tags_loaded = tuple([values.get(name, _MISSING) for name in names])


def _snapshot(instance, names) -> dict | None:
    loaded = getattr(instance, "_page_tags_loaded", None)
    return None if loaded is None else dict(zip(names, loaded, strict=True))


def _scopes_for(category_id, producer_id) -> set[str]:
    Category, Stall = apps.get_model("catalog.category"), apps.get_model("producers.stall")

    parent = Category.objects.filter(pk=category_id).values_list("parent_id", flat=True).first()
    province = Stall.objects.filter(producer_id=producer_id).values_list("province_id", flat=True).first()
    return scopes(category_ids=(category_id, parent), province_ids=(province,), producer_ids=(producer_id,))


def _product_changed(instance, *, created: bool, deleted: bool) -> None:
    Product = apps.get_model("catalog.product")

    published = Product.Status.PUBLISHED
    old = None if created else _snapshot(instance, PRODUCT_SNAPSHOT)
    now = {name: getattr(instance, name) for name in PRODUCT_SNAPSHOT}
    if created:
        kinds = {"m"} if now["status"] == published else set()
    elif old is None or deleted:  # not known how it was: it may have been anywhere
        kinds = {"m", "s", "p"}
    elif old["status"] != published and now["status"] != published:
        kinds = set()  # on no listing before or after
    else:
        kinds = set()
        if any(old[name] != now[name] for name in PRODUCT_LISTED):
            kinds.add("m")
        if old["price"] != now["price"]:
            kinds.add("p")
        if old["stock"] is _MISSING or (old["stock"] > 0) != (now["stock"] > 0):
            kinds.add("s")
    tags = {f"product:{instance.pk}", f"stock:{instance.pk}"}
    if kinds:
        found = _scopes_for(now["category_id"], now["producer_id"])
        if old is not None and (old["category_id"], old["producer_id"]) != (now["category_id"], now["producer_id"]):
            found |= _scopes_for(old["category_id"], old["producer_id"])
        tags |= membership_tags(kinds, found)
        if "m" in kinds:
            tags.add("search")
        if "m" in kinds or "s" in kinds:
            tags.add(f"m:producer:{now['producer_id']}")  # the stalls' product counts
    instance._page_tags_loaded = tuple(now.values())  # what the next save compares with
    invalidate(tags, kind="product")


def _stall_changed(instance, *, created: bool) -> None:
    old = _snapshot(instance, STALL_LISTED)
    if created:
        tags = {"stalls", f"producer:{instance.producer_id}"}
    elif old is None or any(old[name] != getattr(instance, name) for name in STALL_LISTED):
        from .page_invalidation import storefront_changed  # a cycle: it imports this module

        storefront_changed()  # every product of the stall enters or leaves the listings
        return
    else:
        tags = {f"stall:{instance.pk}", f"producer:{instance.producer_id}", "stalls", "search"}
    invalidate(tags, kind="stall")


def _page_changed(page, *, moved: bool = False) -> None:
    depth = getattr(page, "depth", None)
    if moved or depth is None or depth <= 3:
        from .page_invalidation import storefront_changed  # a cycle: it imports this module

        storefront_changed()  # the site's root, the home page and its children: the menu
        return
    invalidate({f"page:{page.pk}", "cms"}, kind="cms page")


def _row_changed(sender, instance=None, created=False, raw=False, signal=None, **kwargs) -> None:
    """post_save, post_delete and m2m_changed of any model: the pages it reaches."""

    from .page_invalidation import storefront_changed  # a cycle: it imports this module

    if raw or instance is None:
        return
    if signal is m2m_changed:
        if kwargs.get("action", "").startswith("pre_"):
            return
        sender = type(instance)
    # Made while rendering a page, from what it shows already: a rendition of an image, the
    # site's settings with their defaults on their first reading.
    if issubclass(sender, AbstractRendition) or (created and issubclass(sender, BaseSiteSetting)):
        return
    if isinstance(instance, Page):
        _page_changed(instance)
        return
    if isinstance(instance, AbstractImage):
        storefront_changed()
        return
    if sender._meta.app_label not in WATCHED_APPS:
        return
    label = sender._meta.label_lower
    deleted = signal is post_delete
    if label == "catalog.product":
        _product_changed(instance, created=created, deleted=deleted)
        return
    if label == "producers.stall":
        if deleted:
            storefront_changed()
        else:
            _stall_changed(instance, created=created)
        return
    tags = set()
    own = TAGGED.get(label)
    if own:
        tags.add(f"{own}:{instance.pk}")
    for field in sender._meta.concrete_fields:
        if field.many_to_one and (prefix := _tag_of(field.related_model)):
            value = getattr(instance, field.attname)
            if value is not None:
                tags.add(f"{prefix}:{value}")
    if not tags:
        storefront_changed()
        return
    if any(tag.startswith("page:") for tag in tags):
        tags.add("cms")
    if label == "producers.producer":
        tags |= {"stalls", "search"}  # its legal name is searched
    if label == "catalog.ocopcertificate" and instance.product_id:
        # Its stars filter the listings.
        tags |= membership_tags(("m",), product_scopes([instance.product_id]).get(instance.product_id, {"all"}))
    invalidate(tags, kind=label.split(".")[1])


def _page_event(sender, instance=None, **kwargs) -> None:
    """page_published, page_unpublished and post_page_move."""

    if instance is not None:
        _page_changed(instance, moved=kwargs.get("signal") is post_page_move)


def connect() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_row_changed, dispatch_uid=f"page_tags_{signal!r}")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_page_event, dispatch_uid=f"page_tags_{signal!r}")
    # weak=False: the receivers are made here and referenced nowhere else.
    for label, prefix in TAGGED.items():
        receiver = _on_load(prefix, _SNAPSHOTS.get(label, ()))
        post_init.connect(receiver, sender=apps.get_model(label), weak=False, dispatch_uid=f"page_tags_loaded_{label}")
    page_loaded = _on_load("page", ())
    for model in (Page, *get_page_models()):
        uid = f"page_tags_loaded_{model._meta.label_lower}"
        post_init.connect(page_loaded, sender=model, weak=False, dispatch_uid=uid)
    _snapshot_on_refresh(apps.get_model("catalog.product"), PRODUCT_SNAPSHOT)
    _snapshot_on_refresh(apps.get_model("producers.stall"), STALL_LISTED)


def _snapshot_on_refresh(model, snapshot: tuple[str, ...]) -> None:
    """A row refreshed from the database may have been changed by another process since it
    was loaded (and that process dropped the pages then): its values now are what the pages
    show, so they become what the next save compares with. A refresh of some fields only
    forgets the snapshot: the next save then assumes anything changed (more pages dropped,
    never too few)."""
    refresh = model.refresh_from_db
    if getattr(refresh, "snapshots_page_tags", False):
        return

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        self.__dict__.pop("_page_tags_loaded", None)
        result = refresh(self, using=using, fields=fields, from_queryset=from_queryset)
        if fields is None and from_queryset is None:
            _take_snapshot(self, snapshot)
        return result

    refresh_from_db.snapshots_page_tags = True
    model.refresh_from_db = refresh_from_db

"""Read side of the CMS pages: the home page's sections, article listings, menus.

The home page is the busiest page of the site, so its sections are loaded with a fixed
number of queries whatever the number of products, stalls, promotions or articles: the
products of the featured section and of every product carousel in the body come from
one query, and the renditions of every picture on the page (product covers, stall
logos, promotion banners, article covers) from another.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from catalog import queries
from catalog import queries as catalog_queries
from catalog.models import Product
from catalog.pricing import attach_prices, live_offers
from core.i18n import in_interface_language
from core.precompiled import Precompiled
from core.text import vi_slugify
from producers.models import Stall

from .blocks import rows_loaded
from .cache import DEFAULT_TIMEOUT, cached
from .models import (
    ArticleIndexPage,
    ArticlePage,
    HomeFeaturedProduct,
    HomeFeaturedStall,
    HomePage,
    LegalPage,
    PromotionIndexPage,
    SiteSettings,
)
from .promotions import live_promotions as on_sale
from .promotions import upcoming_promotions

ARTICLE_CARD_RENDITION = "fill-640x360|format-webp|webpquality-75"
ARTICLE_COVER_RENDITION = "fill-1200x630|format-webp|webpquality-75"
PROMOTION_CARD_RENDITION = "fill-720x240|format-webp|webpquality-75"
CONTENT_IMAGE_RENDITION = "max-1200x1200|format-webp|webpquality-80"

HOME_PRODUCTS = 12
HOME_STALLS = 8
HOME_PROMOTIONS = 3
HOME_ARTICLES = 3
ARTICLES_PER_PAGE = 12


# --- prices ------------------------------------------------------------------------------


def request_offers(request):
    """The live offers, loaded once per request and shared by every section of the page."""

    if request is None:
        return live_offers()
    offers = getattr(request, "_cms_offers", None)
    if offers is None:
        offers = request._cms_offers = live_offers()
    return offers


def priced(products, request=None):
    return attach_prices(products, offers=request_offers(request))


# --- renditions ----------------------------------------------------------------------------


def attach_renditions(images: Iterable, *specs: str) -> None:
    """One query for the renditions of all ``images``, put where Wagtail's get_rendition() looks.

    Images that already carry prefetched renditions keep them; a rendition that does
    not exist yet is created on first use, as usual.
    """

    todo = {}
    for image in images:
        if image is not None and getattr(image, "prefetched_renditions", None) is None:
            todo.setdefault(image.pk, []).append(image)
    if not todo:
        return
    found = defaultdict(list)
    renditions = get_image_model().get_rendition_model().objects.filter(image_id__in=todo, filter_spec__in=specs)
    for rendition in renditions:
        found[rendition.image_id].append(rendition)
    for pk, same in todo.items():
        for image in same:
            image.prefetched_renditions = list(found[pk])


# --- promotions and articles ----------------------------------------------------------------


def live_promotions(*, limit: int | None = None, at=None, locale_id=None):
    """Promotions on sale now (page live, between their start and end), the soonest to end first.

    ``locale_id``: only the pages of that language (a home page lists its own language's).
    """

    pages = on_sale(at or timezone.now()).select_related("banner")
    if locale_id is not None:
        pages = pages.filter(locale_id=locale_id)
    return pages[:limit] if limit else pages


def latest_articles(*, limit: int = HOME_ARTICLES, locale_id=None):
    pages = ArticlePage.objects.live().select_related("cover").order_by("-date", "-pk")
    if locale_id is not None:
        pages = pages.filter(locale_id=locale_id)
    return pages[:limit]


def article_listing(index: ArticleIndexPage, *, tag=None):
    """The index's live articles, newest first, with what a card needs (cover, tags)."""
    articles = (
        ArticlePage.objects.live()
        .child_of(index)
        .select_related("cover")
        .prefetch_related("tagged_items__tag")
        .order_by("-date", "-pk")
    )
    if tag is not None:
        articles = articles.filter(tagged_items__tag=tag).distinct()
    return articles


def tag_key(name: str) -> str:
    """A tag's key in URLs, diacritics folded (``Cà phê`` → ``ca-phe``): taggit's own slug keeps them."""
    return vi_slugify(name)


def article_tags(index: ArticleIndexPage) -> list:
    """The tags used by the index's live articles, each with its URL ``key``, by name."""

    articles = ArticlePage.objects.live().child_of(index).values("pk")
    tags = list(Tag.objects.filter(cms_articlepagetag_items__content_object__in=articles).distinct())
    for tag in tags:
        tag.key = tag_key(tag.name)
    return sorted(tags, key=lambda t: t.key)


def find_tag(tags, key: str):
    return next((t for t in tags if key in (t.key, t.slug)), None)


# --- cards in a chosen order ------------------------------------------------------------------


def product_cards_in_order(ids: list[int], *, request=None) -> list:
    """Published product cards for ``ids`` in that order (unpublished or missing ones dropped), priced."""

    if not ids:
        return []
    by_id = {p.pk: p for p in queries.product_cards().filter(pk__in=ids)}
    return priced(_in_order(ids, by_id), request)


def stall_cards_in_order(ids: list[int]) -> list:
    if not ids:
        return []
    by_id = {s.pk: s for s in queries.stall_cards().filter(pk__in=ids)}
    return _in_order(ids, by_id)


def _in_order(ids, by_id) -> list:
    result = []
    for pk in ids:
        item = by_id.get(pk)
        if item is not None:
            # The same product twice in a list gets its own object (a card is rendered per item).
            result.append(item)
    return result


# --- the home page -------------------------------------------------------------------------------


def _chosen(page, relation: str, column: str, request) -> list | None:
    """Ids chosen by editors during a preview (unsaved choices count); None for a saved page,
    whose choices its queries read from the database (``featured_order``)."""
    if page.pk is None or getattr(request, "is_preview", False):
        return [getattr(item, column) for item in getattr(page, relation).all() if getattr(item, column)]
    return None


def _stream_blocks(stream, block_type: str):
    return [child.value for child in stream if child.block_type == block_type]


def _stream_ids(stream, block_type: str, name: str) -> set:
    """The ids chosen in the list ``name`` of the stream's ``block_type`` blocks, read from the
    stored data: nothing is converted or loaded (see ``rows_loaded``)."""
    ids = set()
    for item in stream.raw_data:
        if item["type"] != block_type:
            continue
        for chosen in item["value"].get(name) or ():
            # Wagtail stores a list item as its value, or as {"type": "item", "value": …, "id": …}.
            pk = chosen.get("value") if isinstance(chosen, dict) else chosen
            if pk is not None:
                ids.add(int(pk))
    return ids


def home_sections(page: HomePage, request) -> dict:
    """Everything the home page shows besides its own fields, in a fixed number of queries.

    - featured products and stalls: the editors' choices in their order, else the newest;
    - the product and stall carousels of the body get their cards (see cms.blocks);
    - current promotions (live pages on sale now) and the latest articles.
    """

    carousel_products = _stream_ids(page.body, "product_carousel", "products")
    carousel_stalls = _stream_ids(page.body, "stall_carousel", "stalls")

    # Products: the chosen ones, the newest (the fallback) and the carousels' in one query.
    # Cards carry their cover's rendition as a column (catalog.queries.product_cards): no
    # image rows or rendition objects are loaded for them.
    chosen = _chosen(page, "featured_products", "product_id", request)
    if chosen is not None:  # a preview: the editor's unsaved choices
        newest = catalog_queries.product_cards().order_by("-published_at", "-pk").values("pk")[:HOME_PRODUCTS]
        products = catalog_queries.product_cards().filter(
            Q(pk__in=chosen) | Q(pk__in=newest) | Q(pk__in=carousel_products)
        )
    else:
        products = _home_products(page, carousel_products, key=timezone.localdate())
    products = list(products)
    featured_products = _featured(products, chosen, HOME_PRODUCTS)

    chosen_stalls = _chosen(page, "featured_stalls", "stall_id", request)
    if chosen_stalls is not None:
        newest_stalls = _newest_stalls()
        stalls = _stall_cards().filter(Q(pk__in=chosen_stalls) | Q(pk__in=newest_stalls) | Q(pk__in=carousel_stalls))
    else:
        stalls = _home_stalls(page, carousel_stalls)
    stalls = list(stalls)
    featured_stalls = _featured(stalls, chosen_stalls, HOME_STALLS, newest_key=lambda s: (s.created_at, s.pk))

    # The body's blocks, their choosers given the rows loaded already: Wagtail would load the
    # carousels' products and stalls again, as full rows, only for their ids, and the pages
    # calls to action lead to (mostly a section in the menu, which the header shows anyway).
    menu = menu_pages(request)
    with rows_loaded(products, stalls, menu):
        product_carousels = _stream_blocks(page.body, "product_carousel")
        stall_carousels = _stream_blocks(page.body, "stall_carousel")

    promotions, articles = home_editorial(page)
    priced(products, request)
    product_by_id = {p.pk: p for p in products}
    stall_by_id = {s.pk: s for s in stalls}
    for value in product_carousels:
        value.set_cards(_in_order(value.product_ids(), product_by_id))
    for value in stall_carousels:
        value.set_cards(_in_order(value.stall_ids(), stall_by_id))
    # The indexes, for the "all" links: from the menu, which the header loads anyway.
    indexes = {page.specific_class: page for page in reversed(menu)}
    return {
        "promotion_index": indexes.get(PromotionIndexPage),
        "article_index": indexes.get(ArticleIndexPage),
        "featured_products": featured_products,
        "featured_stalls": featured_stalls,
        "promotions": promotions,
        "articles": articles,
    }


# The home page's two widest queries, compiled once per process (and day, for the stars).
# Measured in-process on the bench's SQLite database: the home page's sections took 11.7 ms
# of its 18.4 ms compiled on every request, 4.9 ms of 10.9 ms this way.
HOME_CAROUSEL_PRODUCTS = 48
HOME_CAROUSEL_STALLS = 24
_NO_ROW = 0


class _HomeCards:
    """A home page query of the cards the page may show: the editors' choices, the newest and
    the carousels'. Its SQL is compiled once with the page's id and up to ``size`` carousel ids
    as placeholders (padded with ids no row has); more ids than that: compiled as usual."""

    def __init__(self, build, size: int):
        self.build = build
        self.size = size

        # The page's id three times (three subqueries, and each placeholder binds one parameter).
        def with_placeholders(page_id, order_page_id, fallback_page_id, **ids):
            return build(page_id, order_page_id, fallback_page_id, [ids[f"id{i}"] for i in range(size)])

        placeholders = {f"id{i}": int for i in range(size)}
        self.precompiled = Precompiled(
            with_placeholders, page_id=int, order_page_id=int, fallback_page_id=int, **placeholders
        )

    def __call__(self, page, carousel_ids, key=None):
        ids = sorted(carousel_ids)
        if len(ids) > self.size:
            return self.build(page.pk, page.pk, page.pk, ids)
        padded = {f"id{i}": pk for i, pk in enumerate(ids + [_NO_ROW] * (self.size - len(ids)))}
        return self.precompiled(key=key, page_id=page.pk, order_page_id=page.pk, fallback_page_id=page.pk, **padded)


def _home_products_queryset(page_id, order_page_id, fallback_page_id, carousels):
    chosen = HomeFeaturedProduct.objects.filter(page_id=page_id).order_by().values("product_id")
    newest = catalog_queries.product_cards().order_by("-published_at", "-pk").values("pk")[:HOME_PRODUCTS]
    # The newest are the fallback of a page none of whose choices is on sale (see _featured):
    # loaded only then. Loaded beside the choices, they were half the query's rows and cards
    # built for nothing.
    shown = Product.objects.published().filter(
        pk__in=HomeFeaturedProduct.objects.filter(page_id=fallback_page_id).values("product_id")
    )
    # One list of ids (a UNION) rather than three conditions joined by OR, and no order (the
    # sections order their cards): given the OR or the order, SQLite read every published
    # product in the catalog's order to test it; given the list, it looks each id up.
    ids = chosen.union(
        Product.objects.filter(pk__in=carousels).order_by().values("pk"),
        Product.objects.filter(pk__in=newest).filter(~Exists(shown)).order_by().values("pk"),
        all=True,
    )
    return (
        catalog_queries.product_cards()
        .filter(pk__in=ids)
        .annotate(featured_order=_order_subquery(HomeFeaturedProduct, order_page_id, "product_id"))
        .order_by()
    )


def _newest_stalls():
    return Stall.objects.published().order_by("-created_at", "-pk").values("pk")[:HOME_STALLS]


def _home_stalls_queryset(page_id, order_page_id, fallback_page_id, carousels):
    chosen = HomeFeaturedStall.objects.filter(page_id=page_id).values("stall_id")
    # The newest stalls only as the fallback, as for the products.
    shown = Stall.objects.published().filter(
        pk__in=HomeFeaturedStall.objects.filter(page_id=fallback_page_id).values("stall_id")
    )
    return (
        _stall_cards()
        .filter(Q(pk__in=chosen) | Q(pk__in=carousels) | (Q(pk__in=_newest_stalls()) & ~Exists(shown)))
        .annotate(featured_order=_order_subquery(HomeFeaturedStall, order_page_id, "stall_id"))
    )


_home_products = _HomeCards(_home_products_queryset, HOME_CAROUSEL_PRODUCTS)
_home_stalls = _HomeCards(_home_stalls_queryset, HOME_CAROUSEL_STALLS)


def _stall_cards():
    """Stall cards with their logo's rendition as a column and their product count as a subquery.

    The listing's ``stall_cards()`` counts with a GROUP BY over every selected column and
    prefetches the logo's renditions: for the home page's dozen stalls, a subquery per row
    and a packed rendition column cost one query and no rendition objects (prefetching the
    logos' renditions instead takes the home page past the 8 queries its test allows). The
    logo's image row is not loaded either: only a logo whose rendition is not made yet is
    (``stall_cards`` in catalog/templatetags/storefront.py).
    """

    count = (
        Product.objects.filter(producer_id=OuterRef("producer_id"), status=Product.Status.PUBLISHED)
        .order_by()
        .values("producer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Stall.objects.published()
        .select_related("province")
        .annotate(
            product_count=Coalesce(Subquery(count, output_field=IntegerField()), 0),
            logo_rendition=catalog_queries.packed_rendition(OuterRef("logo_id"), catalog_queries.STALL_LOGO_RENDITION),
        )
    )


def home_editorial(page) -> tuple[list, list]:
    """The home page's live promotions and latest articles, their pictures' renditions attached.

    Cached (cms.cache: any page change drops it) until the set of promotions on sale can change
    by the clock alone: the end or expiry of one shown, or the start of the next one.
    """

    def build():
        now = timezone.now()
        promotions = list(live_promotions(limit=HOME_PROMOTIONS, at=now, locale_id=page.locale_id))
        articles = list(latest_articles(locale_id=page.locale_id))
        attach_renditions(
            [p.banner for p in promotions] + [a.cover for a in articles],
            PROMOTION_CARD_RENDITION,
            ARTICLE_CARD_RENDITION,
        )
        moments = [p.ends_at for p in promotions] + [p.expire_at for p in promotions if p.expire_at]
        upcoming = _upcoming_start(now, page.locale_id)
        if upcoming is not None:
            moments.append(upcoming)
        timeout = DEFAULT_TIMEOUT
        if moments:
            timeout = max(0, min(timeout, int((min(moments) - now).total_seconds())))
        return (promotions, articles), timeout

    return cached(f"home-editorial:{page.pk}", build)


def _upcoming_start(now, locale_id):
    return upcoming_promotions(now).filter(locale_id=locale_id).values_list("starts_at", flat=True).first()


def _order_subquery(model, page_id, column):
    return Subquery(
        model.objects.filter(page_id=page_id, **{column: OuterRef("pk")})
        .order_by("sort_order", "pk")
        .values("sort_order")[:1],
        output_field=IntegerField(),
    )


def _featured(items, chosen, limit, newest_key=None):
    """The chosen items in the editors' order, or the newest ``limit`` when none is chosen (or published)."""
    if chosen is not None:
        by_id = {item.pk: item for item in items}
        picked = [by_id[pk] for pk in dict.fromkeys(chosen) if pk in by_id]
    else:
        picked = sorted(
            (item for item in items if item.featured_order is not None), key=lambda i: (i.featured_order, i.pk)
        )
    if picked:
        return picked
    key = newest_key or (lambda p: (p.published_at, p.pk))
    return sorted(items, key=key, reverse=True)[:limit]


# --- menus ----------------------------------------------------------------------------------------


def menu_pages(request):
    """The live children of the site's root page shown in menus.

    Cached per host until a page changes (cms.cache); one query when it is rebuilt.
    """

    if request is None:
        return []
    found = getattr(request, "_cms_menu", None)
    if found is not None:
        return found

    def build():
        site = Site.find_for_request(request)
        if site is None:
            return [], 0
        root = Page.objects.filter(pk=site.root_page_id)
        pages = list(
            Page.objects.live()
            .in_menu()
            .filter(
                path__startswith=Subquery(root.values("path")[:1]),
                depth=Subquery(root.values("depth")[:1]) + 1,
            )
            .order_by("path")
        )
        if get_language() != settings.LANGUAGE_CODE:
            # In another language, each page's live translation into it where there is one.
            translated = {
                page.translation_key: page
                for page in Page.objects.live().filter(
                    translation_key__in=[p.translation_key for p in pages], locale__language_code=get_language()
                )
            }
            pages = [translated.get(p.translation_key, p) for p in pages]
        for page in pages:
            # Kept with the cached pages: {% pageurl %} would look the site up on every request.
            page.menu_url = in_interface_language(page.get_url(request))
        return pages, DEFAULT_TIMEOUT

    request._cms_menu = found = cached(f"menu:{request.get_host()}:{get_language()}", build)
    return found


def site_settings(request):
    """The site's SiteSettings, cached per host until they or a page change."""

    if request is None:
        return None
    found = getattr(request, "_cms_site_settings", None)
    if found is not None:
        return found

    def build():
        site = Site.find_for_request(request)
        return (SiteSettings.for_site(site) if site else None), DEFAULT_TIMEOUT

    request._cms_site_settings = found = cached(f"settings:{request.get_host()}", build)
    return found


def legal_links(request) -> list[dict]:
    """The live policy pages of the request's language, in the order of ``LegalPage.Kind``:
    ``[{"kind", "title", "url"}]``. Cached per host and language until a page changes."""

    if request is None:
        return []
    found = getattr(request, "_cms_legal_links", None)
    if found is not None:
        return found

    def build():
        language = get_language()
        chosen = {}
        pages = (
            LegalPage.objects.live()
            .filter(locale__language_code__in={language, settings.LANGUAGE_CODE})
            .select_related("locale")
            .order_by("path")
        )
        for page in pages:
            # This language's page of a kind wins; else the Vietnamese one (a policy not translated yet).
            if page.kind not in chosen or page.locale.language_code == language:
                chosen[page.kind] = page
        links = [
            {"kind": kind, "title": chosen[kind].title, "url": chosen[kind].get_url(request)}
            for kind in LegalPage.Kind.values
            if kind in chosen
        ]
        return links, DEFAULT_TIMEOUT

    request._cms_legal_links = found = cached(f"legal:{request.get_host()}:{get_language()}", build)
    return found


# --- an article -----------------------------------------------------------------------------------


def article_related(article: ArticlePage, request) -> dict:
    """An article's tags and its related stalls and products as cards, in a fixed number of queries.

    Read through the page so that a preview's unsaved choices count.
    """
    stall_ids = [s.pk for s in article.related_stalls.all()]
    product_ids = [p.pk for p in article.related_products.all()]
    if article.cover is not None:
        attach_renditions([article.cover], ARTICLE_COVER_RENDITION)
    return {
        "article_tags": sorted(article.tags.all(), key=lambda t: tag_key(t.name)),
        "related_stalls": stall_cards_in_order(stall_ids),
        "related_products": product_cards_in_order(product_ids, request=request),
    }

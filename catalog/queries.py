"""Read side of the storefront: listings, search and the pages' querysets."""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Case, CharField, Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.functional import cached_property

from ocop_market.precompiled import Precompiled
from ocop_market.text import fold, normalize
from producers.models import Stall

from .models import Category, Product, ProductImage
from .pricing import attach_prices

# Rendition specs the storefront uses; prefetched with the images so no page asks
# the database once per card.
CARD_RENDITION = "fill-400x400|format-webp|webpquality-75"
DETAIL_RENDITION = "max-800x800|format-webp|webpquality-80"
THUMB_RENDITION = "fill-120x120|format-webp|webpquality-70"
STALL_LOGO_RENDITION = "fill-160x160|format-webp|webpquality-75"
STALL_COVER_RENDITION = "fill-1200x400|format-webp|webpquality-75"


def _images(*specs, cover_only=False):
    from wagtail.images import get_image_model

    # The image joins its ProductImage row (one query fewer than prefetching it); its
    # renditions go where Wagtail's get_rendition() looks first.
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=specs)
    images = ProductImage.objects.select_related("image")
    if cover_only:
        # A card shows the cover only: loading every photo of 24 products doubles the work.
        first = ProductImage.objects.filter(product=OuterRef("product")).order_by("sort_order", "pk")
        images = images.filter(pk=Subquery(first.values("pk")[:1]))
    return Prefetch(
        "images",
        queryset=images.prefetch_related(
            Prefetch("image__renditions", queryset=renditions, to_attr="prefetched_renditions")
        ).order_by("sort_order", "pk"),
    )


# What a card (and the price function) reads: loading only these keeps 24 rows cheap.
CARD_FIELDS = (
    "id",
    "slug",
    "name",
    "unit",
    "price",
    "stock",
    "status",
    "published_at",
    "updated_at",
    "category_id",
    "origin_province__code",
    "origin_province__short_name",
    "producer__id",
    "producer__stall__id",
    "producer__stall__name",
    "producer__stall__slug",
    "producer__stall__province_id",
    "producer__stall__producer_id",
    "producer__stall__is_published",
    "rating_average",
    "rating_count",
    "sold_count",
)


_card_querysets: dict = {}


def product_cards():
    """Published products with what a card needs: stall, cover, stars (a fresh queryset).

    Building this queryset (five subqueries) cost as much as running it, so it is built
    once per day (the stars depend on the date) and cloned for each use.
    """
    today = timezone.localdate()
    base = _card_querysets.get(today)
    if base is None:
        base = (
            Product.objects.published()
            .select_related("producer__stall", "origin_province")
            .only(*CARD_FIELDS)
            .annotate(**_cover_columns())
            .with_stars(today)
        )
        _card_querysets.clear()
        _card_querysets[today] = base
    return base.all()


def listing_products():
    """Published products, nothing selected but what filters and sorts need (a fresh queryset).

    The catalog filters and orders this, pages through its ids, then loads the cards of
    one page only (``ListingPaginator``): the card's subqueries (cover, rendition, stars)
    would otherwise run for every row an OFFSET skips.
    """
    # published(), as a semi-join on the stalls: the ids of a deep page then come from the
    # covering index product_status_newest (migration 0006) without joining producers.
    return Product.objects.filter(
        status=Product.Status.PUBLISHED, producer_id__in=Stall.objects.published().values("producer_id")
    )


def cards_in_order(ids) -> list:
    """The cards of these products, in the order of ``ids`` (one query; unpublished ones drop out)."""
    ids = list(ids)
    if not ids:
        return []
    by_id = {p.pk: p for p in product_cards().filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


COUNT_TIMEOUT = 600


class CountCachedPaginator(Paginator):
    """A paginator whose count is kept in the cache until the storefront changes.

    Counting the rows of a filtered listing (joins, and a search's full-text match) cost as
    much as the page itself at 100,000 products, on every request. The count is keyed by
    the query (its SQL and parameters without the order, hashed: the date of a stars filter
    included) and by the storefront's generation, which every change to products, stalls,
    certificates, pages or sold-out stock replaces (ocop_market/page_cache.py), so a count
    is never stale. A fragment cache: it stays on with the page cache off. Rows written
    without signals (bulk loads) show in the count after COUNT_TIMEOUT at most.
    """

    @cached_property
    def count(self):
        from ocop_market.page_cache import storefront_generation

        queryset = self.object_list
        if not isinstance(queryset, models.QuerySet):
            return super().count
        try:
            # Without the order: one count serves every sort of the same filters.
            sql, params = queryset.order_by().query.sql_with_params()
        except EmptyResultSet:  # a filter no row can meet (an empty IN list)
            return 0
        digest = hashlib.sha256(f"{queryset.db}\n{sql}\n{params!r}".encode()).hexdigest()
        key = f"catalog:count:{storefront_generation()}:{digest}"
        found = cache.get(key)
        if found is None:
            found = queryset.count()
            cache.set(key, found, COUNT_TIMEOUT)
        return found


class ListingPaginator(CountCachedPaginator):
    """Pages a queryset of products by id, then loads the cards of the page's products only.

    The ordered id query skips the rows before the page cheaply (an index, no subquery
    per row); the 24 cards come in a second query. Each page's ``object_list`` is a list
    of cards in the listing's order.
    """

    def __init__(self, queryset, per_page, **kwargs):
        super().__init__(queryset.values_list("pk", flat=True), per_page, **kwargs)

    def _get_page(self, ids, number, paginator):
        return super()._get_page(cards_in_order(ids), number, paginator)


def _cover_columns():
    """The cover's card rendition, packed as "file|width|height" in one column of the row.

    A listing then builds no image or rendition objects at all; the newest rendition of
    the spec wins if an image's focal point changed. ``cover_image_id`` lets the card
    make a missing rendition once.
    """
    first = ProductImage.objects.filter(product=OuterRef("pk")).order_by("sort_order", "pk")
    return {
        "cover_image_id": Subquery(first.values("image_id")[:1]),
        "cover_rendition": packed_rendition(OuterRef("cover_image_id"), CARD_RENDITION),
    }


def packed_rendition(image_id, spec):
    """A subquery: the newest rendition of ``spec`` for ``image_id`` as "file|width|height"."""
    from wagtail.images import get_image_model

    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(image_id=image_id, filter_spec=spec)
        .order_by("-pk")
        .annotate(
            packed=Concat(
                Cast("file", CharField()),
                Value("|"),
                Cast("width", CharField()),
                Value("|"),
                Cast("height", CharField()),
                output_field=CharField(),
            )
        )
    )
    return Subquery(renditions.values("packed")[:1])


def search(queryset, query: str):
    """Filter by every word of the query, folded, and rank exact-diacritics matches first.

    Ranking: the name contains the query as typed (diacritics and all), then the
    folded name starts with it, then the folded text contains the phrase, then the
    words are found anywhere. On PostgreSQL the words are matched by full-text search
    (``search_backends.postgres_search``), which also finds misspelt queries.
    """
    text = normalize(query)
    folded = fold(text)
    words = folded.split()
    if not words:
        return queryset
    from django.db import connections

    if connections[queryset.db].vendor == "postgresql":
        from .search_backends import postgres_search

        return postgres_search(queryset, text=text, folded=folded, words=words, ranking=_ranking(text, folded))
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset.annotate(relevance=_ranking(text, folded))


def _ranking(text, folded, default=1):
    return Case(
        When(name__icontains=text, then=Value(8)),
        When(search_text__startswith=folded, then=Value(4)),
        When(search_text__contains=folded, then=Value(2)),
        default=Value(default),
        output_field=IntegerField(),
    )


def _detail_queryset(slug):
    return (
        Product.objects.published()
        .select_related("producer__stall__province", "producer__stall__commune", "category__parent")
        .select_related("origin_province", "origin_commune__province")
        .annotate(logo_rendition=packed_rendition(OuterRef("producer__stall__logo_id"), STALL_LOGO_RENDITION))
        .filter(slug=slug)
    )


def _gallery_queryset(product_id):
    """The product's photos in order, each with its detail and thumbnail renditions as columns."""
    return (
        ProductImage.objects.filter(product_id=product_id)
        .only("id", "product_id", "image_id", "caption", "sort_order")
        .annotate(
            detail_rendition=packed_rendition(OuterRef("image_id"), DETAIL_RENDITION),
            thumb_rendition=packed_rendition(OuterRef("image_id"), THUMB_RENDITION),
        )
        .order_by("sort_order", "pk")
    )


def _ocop_queryset(product_id):
    return _certificates().filter(product_id=product_id)


def _certifications_queryset(product_id):
    from .models import Certification

    return Certification.objects.filter(product_id=product_id).order_by("sort_order", "pk")


# The product page's queries (the product joins eight tables): each compiled once, then
# run with the slug or the product's id.
_detail = Precompiled(_detail_queryset, slug=str)
_gallery = Precompiled(_gallery_queryset, product_id=int)
_ocop = Precompiled(_ocop_queryset, product_id=int)
_certifications = Precompiled(_certifications_queryset, product_id=int)


def product_detail(slug: str):
    """The published product with its stall; Product.DoesNotExist when there is none.

    Also sets ``gallery`` (photos with packed renditions), ``certificate`` (the valid OCOP
    certificate with the most stars, or None), ``stars`` and ``other_certifications``.
    """
    found = list(_detail(slug=slug))
    if not found:
        raise Product.DoesNotExist(slug)
    product = found[0]
    today = timezone.localdate()
    valid = [c for c in _ocop(product_id=product.pk) if c.is_valid_on(today)]
    product.certificate = valid[0] if valid else None  # ordered by stars, then newest decision
    product.stars = product.certificate.stars if valid else None
    product.gallery = list(_gallery(product_id=product.pk))
    product.other_certifications = list(_certifications(product_id=product.pk))
    return product


def _certificates():
    from .models import OcopCertificate

    return OcopCertificate.objects.order_by("-stars", "-decision_date")


def _related_queryset(producer_id, exclude_pk):
    return product_cards().filter(producer_id=producer_id).exclude(pk=exclude_pk)[:RELATED_LIMIT]


RELATED_LIMIT = 4
# Five subqueries per card: compiled once a day (the stars depend on the date).
_related = Precompiled(_related_queryset, producer_id=int, exclude_pk=int)


def related_products(product):
    """Up to RELATED_LIMIT other published products of the same producer, as cards."""
    return _related(producer_id=product.producer_id, exclude_pk=product.pk, key=timezone.localdate())


def stall_cards():
    from wagtail.images import get_image_model

    images = get_image_model().objects.prefetch_renditions(STALL_LOGO_RENDITION)
    return (
        Stall.objects.published()
        .select_related("province", "commune", "producer")
        .prefetch_related(Prefetch("logo", queryset=images))
        .annotate(
            product_count=Count("producer__products", filter=Q(producer__products__status=Product.Status.PUBLISHED))
        )
    )


def stall_detail(slug: str):
    from wagtail.images import get_image_model

    images = get_image_model().objects.prefetch_renditions(STALL_LOGO_RENDITION, STALL_COVER_RENDITION)
    return (
        Stall.objects.published()
        .select_related("province", "commune", "producer")
        .prefetch_related(Prefetch("logo", queryset=images), Prefetch("cover", queryset=images))
        .get(slug=slug)
    )


def stall_products(stall):
    return product_cards().filter(producer_id=stall.producer_id)


def categories_for_filter():
    return Category.objects.select_related("parent").order_by(
        models.functions.Coalesce("parent__sort_order", "sort_order"), "parent_id", "sort_order", "name"
    )


def priced_cards(products_or_ids) -> list:
    """Published product cards for these products or ids, in their order, priced.

    For products that come from elsewhere (an editor's carousel): re-fetched with what a
    card needs, in a fixed number of queries; unpublished ones drop out.
    """
    ids = [getattr(item, "pk", item) for item in products_or_ids if item is not None]
    if not ids:
        return []
    by_id = {p.pk: p for p in product_cards().filter(pk__in=ids)}
    return attach_prices(dict.fromkeys(by_id[pk] for pk in ids if pk in by_id))


def home_products(*, chosen_ids: list[int], limit: int = 12):
    """Products editors chose, in their order; the newest when none are chosen. Priced."""
    if chosen_ids:
        chosen = priced_cards(chosen_ids)
        if chosen:
            return chosen
    return attach_prices(product_cards().order_by("-published_at", "-pk")[:limit])


def home_stalls(*, chosen_ids: list[int], limit: int = 8):
    if chosen_ids:
        by_id = {s.pk: s for s in stall_cards().filter(pk__in=chosen_ids)}
        chosen = [by_id[pk] for pk in chosen_ids if pk in by_id]
        if chosen:
            return chosen
    return list(stall_cards().order_by("-created_at", "-pk")[:limit])

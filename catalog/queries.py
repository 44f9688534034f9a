"""Read side of the storefront: listings, search and the pages' querysets."""

from collections import Counter

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Case, CharField, Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from wagtail.images import get_image_model

from core.precompiled import Precompiled
from core.text import fold, normalize, title_words
from producers.models import Stall

from . import query_cache, search_terms
from .models import Category, Certification, OcopCertificate, Product, ProductImage
from .pricing import attach_prices
from .search_terms import rewrite

# Rendition specs the storefront uses; prefetched with the images so no page asks
# the database once per card.
CARD_RENDITION = "fill-400x400|format-webp|webpquality-75"
DETAIL_RENDITION = "max-800x800|format-webp|webpquality-80"
THUMB_RENDITION = "fill-120x120|format-webp|webpquality-70"
STALL_LOGO_RENDITION = "fill-160x160|format-webp|webpquality-75"
STALL_COVER_RENDITION = "fill-1200x400|format-webp|webpquality-75"


def _images(*specs, cover_only=False):

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
    once per day (the stars depend on the date) and cloned for each use. Measured: built
    per call, 24 cards take 7.8 ms instead of 5.3 ms, an eighth of a /products/ request
    (tests/bench/run.py: /products/ at 2.5-3.6 % of the minimal view on a shared machine,
    under its 4 % target already).
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


# A listing's page of cards. Fewer ids are padded with 0, which no row has, so that the cards'
# query (five subqueries) has one shape and is compiled once a day, not on every page:
# compiling it cost 1.3 ms, running it 0.4 ms (in-process, the bench's SQLite database; a
# /products/ request takes 9 ms).
CARDS_AT_ONCE = 24
_NO_ROW = 0


def _cards_by_id_queryset(**ids):
    return product_cards().filter(pk__in=[ids[f"id{i}"] for i in range(CARDS_AT_ONCE)])


_cards_by_id = Precompiled(_cards_by_id_queryset, **{f"id{i}": int for i in range(CARDS_AT_ONCE)})


def cards_in_order(ids) -> list:
    """The cards of these products, in the order of ``ids`` (one query; unpublished ones drop out)."""
    ids = list(ids)
    if not ids:
        return []
    if len(ids) <= CARDS_AT_ONCE:
        padded = ids + [_NO_ROW] * (CARDS_AT_ONCE - len(ids))
        cards = _cards_by_id(key=timezone.localdate(), **{f"id{i}": pk for i, pk in enumerate(padded)})
    else:
        cards = product_cards().filter(pk__in=ids)
    by_id = {p.pk: p for p in cards}
    return [by_id[pk] for pk in ids if pk in by_id]


class CountCachedPaginator(Paginator):
    """A paginator whose count is kept in the cache until the storefront changes.

    Counting the rows of a filtered listing (joins, and a search's full-text match) cost as
    much as the page itself at 100,000 products, on every request. The count is kept by
    ``query_cache.kept`` (the date of a stars filter is among the query's parameters), without
    the order: one count serves every sort of the same filters.
    """

    @cached_property
    def count(self):
        queryset = self.object_list
        if not isinstance(queryset, models.QuerySet):
            return super().count
        return query_cache.kept("count", queryset.order_by(), lambda rows: rows.count())


class ListingPaginator(CountCachedPaginator):
    """Pages a queryset of products by id, then loads the cards of the page's products only.

    The ordered id query skips the rows before the page cheaply (an index, no subquery
    per row); the 24 cards come in a second query. Each page's ``object_list`` is a list
    of cards in the listing's order.

    A search ranks every product its words find before it knows the first 24: at 100,000
    products "banh" ranks 12,500 of them (30 ms of PostgreSQL's time, most of the page's),
    and a million products make that ten times as many. The ranked ids of a search's first
    pages are therefore kept as one window (``RESULT_WINDOW`` ids, as Solr's
    queryResultCache keeps a query's result window) until the catalog changes
    (``query_cache.kept``), so that a shopper paging through a search, or the next
    shopper asking the same, ranks nothing again until the catalog changes. The broad,
    costly searches are the frequent ones; a rare search finds few products and ranks them
    quickly (a misspelt one still compares trigrams with the catalog the first time it is
    asked: catalog.search_backends).
    """

    RESULT_WINDOW = 10 * settings.PAGE_SIZE

    def __init__(self, queryset, per_page, **kwargs):
        # A search's relevance comes with the ids (no extra query): a page whose best is 0
        # holds only PostgreSQL's trigram guesses, and the view then tries a correction.
        self.ranked = "relevance" in queryset.query.annotations
        rows = queryset.values_list("pk", "relevance") if self.ranked else queryset.values_list("pk", flat=True)
        super().__init__(rows, per_page, **kwargs)

    @cached_property
    def _window(self) -> list:
        """The ranked rows of a search's first RESULT_WINDOW places."""
        return query_cache.kept("ranked", self.object_list, lambda rows: list(rows[: self.RESULT_WINDOW]))

    def page(self, number):
        if not self.ranked:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        # A page past the window is read from the database alone: a shopper that deep is rare.
        rows = self._window[bottom:top] if top <= self.RESULT_WINDOW else self.object_list[bottom:top]
        return self._get_page(rows, number, self)

    def _get_page(self, rows, number, paginator):
        rows = list(rows)
        ids = [pk for pk, _relevance in rows] if self.ranked else rows
        page = super()._get_page(cards_in_order(ids), number, paginator)
        page.best_relevance = max((relevance for _pk, relevance in rows), default=None) if self.ranked else None
        return page


def _cover_columns():
    """The cover's card rendition, packed as "file|width|height" in one column of the row.

    A listing then builds no image or rendition objects at all; the newest rendition of
    the spec wins if an image's focal point changed. ``cover_image_id`` lets the card
    make a missing rendition once. Measured against Wagtail's way (``Prefetch("images")``
    of the cover with ``image__renditions``): 24 cards with their covers took 13 ms
    instead of 6.5 ms and two more queries; /products/ fell from 2.5-3.6 % of the minimal
    view to 1.6-1.8 % (target 4 %), and the home page rose from 7 to 11 queries (its test
    allows 8).
    """
    first = ProductImage.objects.filter(product=OuterRef("pk")).order_by("sort_order", "pk")
    return {
        "cover_image_id": Subquery(first.values("image_id")[:1]),
        "cover_rendition": packed_rendition(OuterRef("cover_image_id"), CARD_RENDITION),
    }


def packed_rendition(image_id, spec):
    """A subquery: the newest rendition of ``spec`` for ``image_id`` as "file|width|height"."""

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


def search_words(query: str) -> tuple[str, str, list[str]]:
    """The query as typed (NFC, spaces collapsed), folded and rewritten, and its words."""

    text = normalize(query)
    folded = rewrite(fold(text))
    return text, folded, folded.split()


def search(queryset, query: str):
    """Filter by every word of the query, folded, and rank the closest matches first.

    The query is folded and rewritten first (shoppers' spellings, pack sizes:
    ``search_terms.rewrite``). Ranking (``_ranking``): the name and category start with
    the query as whole words, then hold it as whole words, then hold every word whole,
    then the name starts with the first word, then the folded text holds the phrase; the
    name holding the query as typed with diacritics breaks ties. On PostgreSQL the words
    are matched by full-text search (``search_backends.postgres_search``), which also
    finds some misspelt queries; :func:`correct_typos` is the same on both databases.
    """
    text, folded, words = search_words(query)
    if not words:
        return queryset

    ranking = _ranking(text, folded, words)
    if connections[queryset.db].vendor == "postgresql":
        # PostgreSQL only: its lookups import psycopg, which the embedded default does without
        from .search_backends import postgres_search

        return postgres_search(queryset, text=text, folded=folded, words=words, ranking=ranking)
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset.annotate(relevance=ranking)


class Like(models.Lookup):
    """``field LIKE pattern ESCAPE '\\'`` with the pattern's own wildcards (SQLite and PostgreSQL
    alike); :func:`like_escape` the typed parts."""

    lookup_name = "like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]


Product._meta.get_field("search_title").register_lookup(Like)


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ranking(text, folded, words):
    """A sum of points over ``search_title`` (" <name words> | <category words> "), so
    that each signal counts whatever the others say: the name beats the category, whole
    words beat a part of a word ("tra" in "tram"), the start of the name beats its end."""

    def points(condition, value):
        return Case(When(condition, then=Value(value)), default=Value(0), output_field=IntegerField())

    phrase = f" {' '.join(words)} "
    in_name = Q(search_title__like=f"%{like_escape(phrase)}%|%")
    every_word_in_name, every_word = Q(), Q()
    for word in words:
        every_word_in_name &= Q(search_title__like=f"% {like_escape(word)} %|%")
        every_word &= Q(search_title__contains=f" {word} ")
    total = (
        points(Q(search_title__startswith=phrase), 16)
        + points(in_name, 8)
        + points(Q(search_title__like=f"%|%{like_escape(phrase)}%"), 4)
        + points(every_word_in_name, 4)
        + points(every_word, 2)
        + points(Q(search_title__startswith=f" {words[0]} "), 2)
        + points(Q(search_text__contains=folded), 2)
        + Value(1)
    )
    if text != folded and text.lower() != folded:
        # Diacritics typed: the name holding them exactly breaks a tie ("bánh pía" before "Banh pia").
        total = total + points(Q(name__icontains=text), 1)
    return total


def correct_typos(queryset, query: str):
    """``(folded words, words as the name spells them)`` of the likeliest reading of a
    query with one swapped or wrong letter in a word, or None. One query, 20 rows at most.
    """

    _text, _folded, words = search_words(query)
    if not words or not search_terms.has_variants(words):
        return None
    for word in words:
        if len(search_terms.variants(word)) > 1:
            queryset = queryset.filter(search_text__regex=search_terms.typo_pattern(word))
        else:  # digits, punctuation: as typed (and never read as a regular expression)
            queryset = queryset.filter(search_text__contains=word)
    rows = list(queryset.order_by()[:20].values_list("search_text", "name"))
    corrected = search_terms.best_correction(words, [text for text, _name in rows])
    if corrected is None:
        return None
    return corrected, _as_named(corrected, [name for _text, name in rows])


def _as_named(words, names) -> str:
    """The words with the diacritics a product's name gives them ("banh pia" -> "bánh pía")."""
    spelt = {}
    for name in names:
        for token in name.split():
            spelt.setdefault(fold(token), token.lower())
    return " ".join(spelt.get(word, word) for word in words)


def closest_categories(queryset, limit: int = 4):
    """The categories most of these products are filed under (from 100 of them), or the
    top-level groups when there is none: a search page always offers somewhere to go."""

    counts = Counter(queryset.order_by().values_list("category_id", flat=True)[:100])
    if counts:
        chosen = [pk for pk, _n in counts.most_common(limit)]
        by_id = {c.pk: c for c in Category.objects.filter(pk__in=chosen)}
        return [by_id[pk] for pk in chosen if pk in by_id]
    return list(Category.objects.filter(parent=None).order_by("sort_order", "name"))


SUGGESTION_LIMIT = 8


def _starts_words(words, name: str) -> bool:
    """Every word of the query starts a word of the name (folded)."""
    title = title_words(name)
    return all(f" {word}" in title for word in words)


SUGGEST_TIMEOUT = 300


def suggestions(query: str) -> list[dict]:
    """What to offer while a shopper types: product names (without the pack size),
    categories and stalls whose folded names hold every word. Cached per query and language
    until the storefront changes; two queries otherwise."""

    _text, folded, words = search_words(query)
    if not words or len(folded) < 2:
        return []
    return query_cache.remembered(
        "suggest", f"{get_language()}\n{folded}", lambda: _suggestions(query, words), timeout=SUGGEST_TIMEOUT
    )


def _suggestions(query: str, words: list[str]) -> list[dict]:
    found, seen = [], set()
    products = search(listing_products(), query)
    if "relevance" in products.query.annotations:
        products = products.order_by("-relevance", "-published_at", "-pk")
    rows = products.values_list("name", "producer__stall__name", "producer__stall__slug")[:40]
    stalls = []
    for name, stall_name, stall_slug in rows:
        label = name.split(" – ")[0].strip()
        # The name itself must hold the words (a stall's or category's name would match
        # every product of it), each as the start of a word: "ca ph" offers "Cà phê".
        if label.lower() not in seen and len(found) < SUGGESTION_LIMIT - 3 and _starts_words(words, label):
            seen.add(label.lower())
            found.append({"label": label, "kind": "product"})
        if stall_slug not in seen and _starts_words(words, stall_name):
            seen.add(stall_slug)
            stalls.append(
                {"label": stall_name, "kind": "stall", "url": reverse("catalog:stall-detail", args=[stall_slug])}
            )
    for category in Category.objects.select_related("parent"):
        if len(found) >= SUGGESTION_LIMIT - 1:
            break
        if _starts_words(words, category.display_name):
            url = reverse("catalog:product-list") + f"?category={category.slug}"
            found.append({"label": category.display_name, "kind": "category", "url": url})
    return found + stalls[:2]


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

    return Certification.objects.filter(product_id=product_id).order_by("sort_order", "pk")


# The product page's queries (the product joins eight tables): each compiled once, then
# run with the slug or the product's id. Measured (tests/bench/run.py, page cache off):
# compiling them and the related cards' query costs about 12 ms a request, running them
# 2 ms; without Precompiled the product page fell from 4.9-5.8 % of the minimal view to
# 2.0-2.5 %, under its 6 % target. The logo's and the gallery's renditions as columns keep
# the page at 7 queries; prefetched the Wagtail way it took 12 and fell to 2.5-4.1 %.
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

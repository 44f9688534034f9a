import json

from django.forms.utils import ErrorList
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from core.page_tags import listing_tags, record
from core.paging import requested_page
from producers import delivery
from producers.models import Province, Stall

from . import queries
from .filters import ProductFilter
from .hooks import PRODUCT_PANELS_HOOK, PRODUCT_SECTIONS_HOOK
from .models import Product
from .pricing import attach_prices, live_offers
from .templatetags.storefront import packed_url


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _record_listing(filterset) -> None:
    """What can change this listing without being on it: see core.page_tags."""

    data = getattr(filterset.form, "cleaned_data", {})
    category, province, stall = data.get("category"), data.get("province"), data.get("producer")
    record(
        *listing_tags(
            category=category.pk if category else None,
            province=province.pk if province else None,
            producer_id=stall.producer_id if stall else None,
            in_stock=bool(data.get("in_stock")),
            by_price=data.get("min_price") is not None
            or data.get("max_price") is not None
            or data.get("sort") in ("price_asc", "price_desc"),
            search=bool(data.get("q")),
        )
    )


def product_list(request):
    filterset = ProductFilter(request.GET, queryset=queries.listing_products())
    # The page's ids first, then its cards; the count is cached (ListingPaginator).
    page, page_error = requested_page(request, filterset.qs, paginator_class=queries.ListingPaginator)
    no_result = {}
    query = filterset.form.cleaned_data.get("q", "") if hasattr(filterset.form, "cleaned_data") else ""
    # Nothing found, or (PostgreSQL) only trigram guesses that match no word: help.
    guesses_only = page.number == 1 and getattr(page, "best_relevance", None) == 0
    if query and (not page.paginator.count or guesses_only):
        no_result = _no_result_help(request, query, corrections_only=guesses_only)
        if no_result.get("page") is not None:
            filterset, page = no_result["filterset"], no_result["page"]
        elif guesses_only:
            no_result = {}
    _record_listing(filterset)
    # Promotions change the price shown, but sorting by price and the price filters still
    # use the base price (Product.price): acceptable for now, a known limitation.
    products = attach_prices(page.object_list)
    # A copy: the page number is not a field of the filter form.
    filter_errors = dict(filterset.form.errors)
    if page_error:
        filter_errors["page"] = ErrorList([page_error])
    return render(
        request,
        "catalog/product_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "products": products,
            "filter_errors": filter_errors,
            "page_error": page_error,
            "querystring": _query_without_page(request),
            "no_result": no_result,
        },
    )


# At most this many shorter queries are tried for "did you mean" (one query each).
SHORTER_QUERIES = 4


def _with_query(request, query: str) -> ProductFilter:
    data = request.GET.copy()
    data["q"] = query
    data.pop("page", None)
    return ProductFilter(data, queryset=queries.listing_products())


def _no_result_help(request, query: str, *, corrections_only=False) -> dict:
    """What a search that found nothing shows instead of an empty page.

    - a typo corrected ("banh pai" -> "bánh pía"): that query's results, and the question
      "did you mean" linking to it;
    - otherwise the closest shorter query that has results (a word left out), as a link;
    - and always the closest categories (those of the suggested query's products, or the
      top-level groups).
    The other filters stay as they were.
    """
    others = request.GET.copy()
    others.pop("q", None)
    others.pop("page", None)
    unsearched = ProductFilter(others, queryset=queries.listing_products()).qs
    hint = {"query": query}
    correction = queries.correct_typos(unsearched, query)
    if correction is not None:
        _words, named = correction
        corrected = _with_query(request, named)
        page, _error = requested_page(request, corrected.qs, paginator_class=queries.ListingPaginator)
        if page.paginator.count:
            hint.update(suggestion=named, filterset=corrected, page=page, corrected=True)
            hint["categories"] = queries.closest_categories(corrected.qs)
            return hint
    if corrections_only:
        return hint
    _text, _folded, words = queries.search_words(query)
    candidates = []
    if len(words) > 1:
        candidates += [" ".join(words[:i] + words[i + 1 :]) for i in reversed(range(len(words)))]
        candidates += sorted(words, key=len, reverse=True)
    for candidate in list(dict.fromkeys(candidates))[:SHORTER_QUERIES]:
        found = _with_query(request, candidate).qs
        if found.exists():
            hint.update(suggestion=candidate, categories=queries.closest_categories(found))
            return hint
    hint["categories"] = queries.closest_categories(queries.Product.objects.none())
    return hint


def search_suggestions(request):
    """GET ?q=: what the search box offers while a shopper types (JSON)."""
    query = request.GET.get("q", "")[:200]
    response = JsonResponse({"query": query, "suggestions": queries.suggestions(query)})
    response["Cache-Control"] = "public, max-age=60"
    return response


def product_detail(request, slug):
    try:
        product = queries.product_detail(slug)
    except Product.DoesNotExist:
        raise Http404(_("This product does not exist or is no longer on sale.")) from None
    offers = live_offers()
    (product,) = attach_prices([product], offers=offers)
    related = attach_prices(queries.related_products(product), offers=offers)
    # The number left (cards only say whether it is sold out), and the stall's other products.
    record(f"stock:{product.pk}", f"m:producer:{product.producer_id}")
    # Blocks other apps add under the product's facts (the batch's trace link …), through
    # Wagtail's hook registry, so that the catalog imports none of them.
    panels = [html for hook in hooks.get_hooks(PRODUCT_PANELS_HOOK) if (html := hook(request, product))]
    sections = [section for hook in hooks.get_hooks(PRODUCT_SECTIONS_HOOK) if (section := hook(request, product))]
    json_ld = _product_json_ld(request, product)
    for section in sections:
        json_ld.update(section.get("json_ld") or {})
    stall = product.producer.stall
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "stall": stall,
            "images": product.gallery,
            "certificate": product.certificate,
            "certifications": product.other_certifications,
            "related": related,
            "panels": panels,
            "sections": [section["html"] for section in sections],
            "delivery_windows": delivery.windows(stall),
            "delivery_neighbours": delivery.neighbour_names(stall.province_id),
            "json_ld": json.dumps(json_ld, ensure_ascii=False),
        },
    )


def _product_json_ld(request, product):
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product.short_description,
        "sku": str(product.pk),
        "brand": {"@type": "Brand", "name": product.producer.stall.name},
        "category": str(product.category),
        "offers": {
            "@type": "Offer",
            "url": request.build_absolute_uri(product.get_absolute_url()),
            "priceCurrency": "VND",
            "price": str(product.pricing.final),
            "availability": "https://schema.org/InStock" if product.in_stock else "https://schema.org/OutOfStock",
        },
    }
    if product.rating_count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": str(product.rating_average),
            "reviewCount": product.rating_count,
            "bestRating": 5,
            "worstRating": 1,
        }
    offer = product.pricing.offer if product.pricing.on_sale else None
    if offer is not None and offer.ends_at:
        data["offers"]["priceValidUntil"] = timezone.localtime(offer.ends_at).date().isoformat()
    if product.gallery:
        urls = (packed_url({}, img.detail_rendition, img.image_id, "detail") for img in product.gallery)
        data["image"] = [request.build_absolute_uri(url) for url in urls if url]
    return data


def stall_list(request):
    stalls = queries.stall_cards().order_by("name")
    province = None
    error = ""
    slug = request.GET.get("province", "")
    if slug:
        province = Province.objects.filter(slug=slug).first()
        if province is None:
            error = _("Unknown province: showing stalls from every province.")
        else:
            stalls = stalls.filter(province=province)
    page, page_error = requested_page(request, stalls)
    # The directory, and each stall's count of products.
    record("stalls", *(f"m:producer:{stall.producer_id}" for stall in page.object_list))
    return render(
        request,
        "catalog/stall_list.html",
        {
            "page_obj": page,
            "stalls": page.object_list,
            "provinces": Province.objects.filter(stalls__is_published=True).distinct().order_by("short_name"),
            "province": province,
            "province_error": error,
            "page_error": page_error,
            "querystring": _query_without_page(request),
        },
    )


def stall_detail(request, slug):
    try:
        stall = queries.stall_detail(slug)
    except Stall.DoesNotExist:
        raise Http404(_("This stall does not exist.")) from None
    page, page_error = requested_page(request, queries.stall_products(stall).order_by("-published_at", "-pk"))
    record(f"m:producer:{stall.producer_id}")
    return render(
        request,
        "catalog/stall_detail.html",
        {
            "stall": stall,
            "page_obj": page,
            "products": attach_prices(page.object_list),
            "page_error": page_error,
            "querystring": _query_without_page(request),
        },
    )

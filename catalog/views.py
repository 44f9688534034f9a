import json

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.forms.utils import ErrorList
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from ocop_market.page_tags import record
from producers.models import Province, Stall

from . import queries
from .filters import ProductFilter
from .models import Product
from .pricing import attach_prices, live_offers

# A hook: ``fn(request, product) -> str`` of safe HTML (or "") shown on the product page.
PRODUCT_PANELS_HOOK = "catalog_product_page_panels"


def _page(request, queryset, per_page=None, paginator_class=Paginator):
    """The requested page and "", or the first page and why when the number is no page."""
    paginator = paginator_class(queryset, per_page or settings.PAGE_SIZE)
    number = request.GET.get("page", "")
    try:
        return paginator.page(number or 1), ""
    except PageNotAnInteger:
        error = _("“%(page)s” is not a page number: showing the first page.")
    except EmptyPage:
        error = _("There is no page %(page)s: showing the first page.")
    return paginator.page(1), error % {"page": number}


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _record_listing(filterset) -> None:
    """What can change this listing without being on it: see ocop_market.page_tags."""
    from ocop_market.page_tags import listing_tags, record

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
    page, page_error = _page(request, filterset.qs, paginator_class=queries.ListingPaginator)
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
        },
    )


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
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "stall": product.producer.stall,
            "images": product.gallery,
            "certificate": product.certificate,
            "certifications": product.other_certifications,
            "related": related,
            "panels": panels,
            "json_ld": json.dumps(_product_json_ld(request, product), ensure_ascii=False),
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
    offer = product.pricing.offer if product.pricing.on_sale else None
    if offer is not None and offer.ends_at:
        data["offers"]["priceValidUntil"] = timezone.localtime(offer.ends_at).date().isoformat()
    if product.gallery:
        from .templatetags.storefront import packed_url

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
    page, page_error = _page(request, stalls)
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
    page, page_error = _page(request, queries.stall_products(stall).order_by("-published_at", "-pk"))
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

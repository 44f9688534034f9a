"""Template helpers for the storefront: money, prices, OCOP stars, renditions, language links."""

import html
import json
from functools import lru_cache

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse, translate_url
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.formats import get_format, localize
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.images.models import Filter

from catalog import queries
from core.money import format_vnd

register = template.Library()

# Templates name a rendition by its role; the spec itself lives in catalog.queries so
# that the prefetch and the page always ask for the same one.
RENDITIONS = {
    "card": queries.CARD_RENDITION,
    "detail": queries.DETAIL_RENDITION,
    "thumb": queries.THUMB_RENDITION,
    "logo": queries.STALL_LOGO_RENDITION,
    "cover": queries.STALL_COVER_RENDITION,
}

PLACEHOLDER = "img/placeholder.svg"

# The same escapes as django.utils.html.json_script: nothing in the data can close
# the <script> element or open a comment.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def vnd(amount):
    """``150000`` → ``150.000 ₫``."""
    return format_vnd(amount)


@register.filter(is_safe=True)
def stars(count):
    """An OCOP star badge, or nothing when the product has no active certificate."""
    if not count:
        return ""
    count = int(count)
    label = _("OCOP %(stars)s stars") % {"stars": count}
    return format_html(
        '<span class="ocop"><span aria-hidden="true">OCOP {}</span><span class="sr">{}</span></span>',
        "★" * count,
        label,
    )


@lru_cache(maxsize=8)
def _separators(language) -> tuple[str, str]:
    """The decimal and thousands separators of a language (Django's ``get_format``, which
    reads the locale's format module on each call: once per language instead of per card)."""
    return get_format("DECIMAL_SEPARATOR", language), get_format("THOUSAND_SEPARATOR", language)


def _rating_labels() -> dict:
    return {
        "rated": _("Rated %(average)s out of 5 by %(count)s buyers"),
        "sold": _("%(count)s sold"),
        "separators": _separators(get_language()),
    }


def rating_html(average, count, sold, labels=None) -> str:
    """The buyers' average rating (not the OCOP stars) and the number sold, as a card shows them.

    ``labels`` (from :func:`_rating_labels`) lets a grid translate once for all its cards. The
    average is cut to one decimal as ``number_format(average, 1)`` does (4.67 → "4,6"), the
    count grouped by thousands: ``number_format`` itself cost 0.03 ms a call, a grid of 24
    cards called it up to 48 times.
    """
    if not count and not sold:
        return ""
    labels = labels or _rating_labels()
    decimal_separator, thousands_separator = labels["separators"]
    parts = []
    if count:
        whole, _point, decimals = f"{average:f}".partition(".")
        avg = f"{whole}{decimal_separator}{(decimals + '0')[0]}"
        label = escape(labels["rated"] % {"average": avg, "count": count})
        shown = f'<span aria-hidden="true">★ {avg} ({int(count)})</span>'
        parts.append(f'<span class="rt">{shown}<span class="sr">{label}</span></span>')
    if sold:
        grouped = f"{int(sold):,}".replace(",", thousands_separator)
        parts.append(f'<span class="sold">{escape(labels["sold"] % {"count": grouped})}</span>')
    return mark_safe(f'<span class="trust">{"".join(parts)}</span>')


@register.simple_tag
def rating_summary(product):
    return rating_html(product.rating_average, product.rating_count, product.sold_count)


_FILTERS: dict[str, Filter] = {}


def _filter(spec: str) -> Filter:
    """One parsed Filter per spec for the process: parsing a spec on every card is costly."""
    found = _FILTERS.get(spec)
    if found is None:
        found = _FILTERS[spec] = Filter(spec=spec)
    return found


def find_rendition(image, role):
    """The rendition of ``image`` for a role (card, detail, ...), or None when it cannot be made."""
    if image is None:
        return None
    spec = _filter(RENDITIONS.get(role, role))
    try:
        # Prefetched renditions are used as they are; get_rendition() would also write
        # each one back to the cache on every request.
        existing = image.find_existing_renditions(spec)
        return existing[spec] if spec in existing else image.get_rendition(spec)
    except OSError:  # a missing or unreadable source file must not break a listing
        return None


def _e(value) -> str:
    """What ``format_html`` does to each value, without its lazy-string checks: safe strings
    as they are, anything else as ``escape()`` escapes it (``html.escape`` of ``str()``).

    A card wrote its markup with five ``format_html`` calls, whose escaping was two thirds
    of its cost: 24 cards took 3.4 ms that way, 1.5 ms this way (in-process, the bench's
    SQLite database, on a busy machine), with the same HTML.
    """
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


@register.simple_tag
def rendition(image, role, alt="", css_class="", lazy=True):
    """``<img>`` for a rendition of ``image`` (never the original upload), or a placeholder.

    ``role`` is one of card, detail, thumb, logo, cover (or a literal spec). Renditions
    prefetched with the image are used without a query.
    """
    loading = "lazy" if lazy else "eager"
    found = find_rendition(image, role)
    if found is None:
        width, height = _placeholder_size(role)
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}"{} loading="{}">',
            static(PLACEHOLDER),
            width,
            height,
            alt,
            _class_attr(css_class),
            loading,
        )
    return _img(found.url, found.width, found.height, alt, loading, css_class)


def _img(src, width, height, alt, loading, css_class="") -> str:
    """A rendition's ``<img>``, written as the cards are (see _e): a page shows dozens."""
    return mark_safe(
        f'<img src="{_e(src)}" width="{_e(width)}" height="{_e(height)}" alt="{_e(alt)}"'
        f'{_e(_class_attr(css_class))} loading="{loading}" decoding="async">'
    )


@register.simple_tag
def card_cover(product, alt="", storage=None):
    """The cover of a product card: from the rendition columns ``product_cards()`` selects.

    No image or rendition objects are built for a card; a cover whose rendition does not
    exist yet (a new photo) is made once through Wagtail, then comes from the columns.
    """
    if not hasattr(product, "cover_image_id"):  # a product that did not come from product_cards()
        return rendition(product.cover, "card", alt=alt)
    return packed_image(getattr(product, "cover_rendition", None), product.cover_image_id, "card", alt, storage=storage)


@register.simple_tag
def packed_image(packed, image_id, role, alt="", lazy=True, storage=None):
    """``<img>`` from a rendition read as a "file|width|height" column (queries.packed_rendition).

    When the rendition does not exist yet (a new photo), Wagtail makes it once here.
    ``storage``: the renditions' storage, when the caller writes many and has it at hand.
    """
    if packed:
        name, width, height = packed.rsplit("|", 2)
        url = (storage or _rendition_storage()).url(name)
        return _img(url, width, height, alt, "lazy" if lazy else "eager")
    image = None
    if image_id:
        image = get_image_model().objects.filter(pk=image_id).first()
    return rendition(image, role, alt=alt, lazy=lazy)


@register.simple_tag(takes_context=True)
def packed_url(context, packed, image_id, role, absolute=False):
    """The URL of a rendition read as a "file|width|height" column, made once when missing.

    Empty when the image has no rendition and none can be made.
    """
    if packed:
        url = _rendition_storage().url(packed.rsplit("|", 2)[0])
    else:
        image = get_image_model().objects.filter(pk=image_id).first() if image_id else None
        found = find_rendition(image, role)
        url = found.url if found is not None else ""
    request = context.get("request") if absolute else None
    return request.build_absolute_uri(url) if url and request is not None else url


def _rendition_storage():

    return get_image_model().get_rendition_model()._meta.get_field("file").storage


def _class_attr(css_class):
    return format_html(' class="{}"', css_class) if css_class else ""


def _placeholder_size(role):
    return {"cover": (1200, 400), "detail": (800, 800), "thumb": (120, 120), "logo": (160, 160)}.get(role, (400, 400))


@register.simple_tag(takes_context=True)
def rendition_url(context, image, role, absolute=False):
    """The URL of a rendition (absolute for Open Graph), or the placeholder's."""
    found = find_rendition(image, role)
    url = found.url if found is not None else static(PLACEHOLDER)
    request = context.get("request")
    if absolute and request is not None:
        return request.build_absolute_uri(url)
    return url


@register.simple_tag(takes_context=True)
def translated_path(context, language, absolute=False):
    """The current page's URL in another language (``/en/products/`` for ``/products/``)."""
    request = context.get("request")
    if request is None:
        return "/" if language == "vi" else f"/{language}/"
    path = _translated(escape_uri_path(request.path), get_language(), language)
    query = iri_to_uri(request.META.get("QUERY_STRING", ""))
    if query:
        path = f"{path}?{query}"
    return request.build_absolute_uri(path) if absolute else path


@lru_cache(maxsize=4096)
def _translated(path, current, language):
    # translate_url() resolves and reverses the path (the URLconf is fixed for the process),
    # three times a page: remembered per path and pair of languages.
    return translate_url(path, language)


@register.simple_tag(takes_context=True)
def absolute_url(context, path=None):
    request = context.get("request")
    if request is None:
        return path or ""
    return request.build_absolute_uri(path or request.path)


@register.filter(is_safe=True)
def ld_json(data):
    """A JSON-LD ``<script>``. Accepts a dict or an already serialised JSON string."""
    text = data if isinstance(data, str) else json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe('<script type="application/ld+json">' + text.translate(_JSON_SCRIPT_ESCAPES) + "</script>")


@register.simple_tag(takes_context=True)
def hidden_query_inputs(context, *exclude):
    """Hidden inputs carrying the current GET parameters, except ``exclude`` (and page)."""
    request = context.get("request")
    if request is None:
        return ""
    skip = {"page", *exclude}
    parts = [
        format_html('<input type="hidden" name="{}" value="{}">', key, value)
        for key, values in request.GET.lists()
        if key not in skip
        for value in values
        if value != ""
    ]
    return mark_safe("".join(parts))


@register.simple_tag
def priced(products):
    """``{% priced value.products as priced_products %}``: the products as priced cards.

    For products chosen in the CMS (a carousel block): re-fetched in their order with what a
    card needs and the buyer's price, in a fixed number of queries; unpublished ones drop out.
    """
    return queries.priced_cards(products or [])


def _card_html(product, *, url, labels, storage) -> str:
    """One product card; the markup of the former includes/product_card.html, every value
    escaped (``_e``) as ``format_html`` would."""
    pricing = getattr(product, "pricing", None)
    on_sale = bool(pricing and pricing.on_sale)
    tags = ""
    if not product.stock > 0:
        tags += f'<span class="tag out">{_e(labels["out"])}</span>'
    if on_sale:
        tags += f'<span class="tag sale">-{_e(pricing.percent_off)}%</span>'
    unit = _e(product.unit)
    if on_sale:
        price = (
            f'<span class="pr"><b>{_e(format_vnd(pricing.final))}</b> / {unit} <del><span class="sr">'
            f"{_e(labels['original'])} </span>{_e(format_vnd(pricing.original))}</del></span>"
            f'<a class="promo" href="{_e(pricing.offer.url)}">{_e(pricing.offer.title)}</a>'
        )
    else:
        price = f'<span class="pr"><b>{_e(format_vnd(product.price))}</b> / {unit}</span>'
    province = product.origin_province
    province = f'<span class="prov">{_e(province)}</span>' if province else ""
    rating = rating_html(product.rating_average, product.rating_count, product.sold_count, labels)
    return (
        f'<li class="card"><a href="{_e(url.replace("__slug__", product.slug))}"><span class="ph">'
        f'{_e(card_cover(product, storage=storage))}{tags}</span><span class="nm">{_e(product.name)}</span></a>'
        f'<span class="st">{_e(product.producer.stall.name)}</span>{price}{_e(rating)}<span class="meta">'
        f"{_e(stars(getattr(product, 'stars', None)))}{province}</span></li>"
    )


@register.simple_tag
def product_cards(products):
    """The cards of a grid or rail, written in Python: a template include per card cost
    a tenth of a millisecond each, a third of the catalog page's rendering.

    Measured again with the cached template loader (on whenever ``loaders`` is not set):
    ``{% include "includes/product_card.html" %}`` renders 24 cards in 5.9 ms, this tag in
    2.9 ms; with the include /products/ fell from 2.5-3.6 % of the minimal view to
    2.4-2.5 % (tests/bench/run.py, page cache off; target 4 %).
    """

    url = reverse("catalog:product-detail", kwargs={"slug": "__slug__"})
    labels = {"out": _("Out of stock"), "original": _("Original price:"), **_rating_labels()}
    storage = _rendition_storage()
    return mark_safe("".join(_card_html(p, url=url, labels=labels, storage=storage) for p in products))


def _stall_card_html(stall, *, storage) -> str:
    """One stall card; the markup (and white space) of the former includes/stall_card.html."""
    if hasattr(stall, "logo_rendition"):
        # Read as a column, without the logo's image row: a logo without its rendition yet
        # (a new one) is loaded by packed_image, and made once.
        logo = packed_image(stall.logo_rendition, stall.logo_id, "logo", storage=storage)
    else:
        logo = rendition(stall.logo, "logo", alt="")
    count = stall.product_count
    products = ngettext("%(counter)s product", "%(counter)s products", count) % {"counter": _e(localize(count))}
    return (
        '<li class="card stall">\n'
        f'    <a href="{_e(stall.get_absolute_url())}">\n'
        f'        <span class="logo">{_e(logo)}</span>\n'
        f'        <span class="nm">{_e(stall.name)}</span>\n'
        "    </a>\n"
        f'    <span class="st">{_e(stall.province)}</span>\n'
        f'    <span class="st">{products}</span>\n'
        "</li>\n"
    )


@register.simple_tag
def stall_cards(stalls):
    """The cards of a grid or rail of stalls, written in Python as the products' are: the
    include of includes/stall_card.html cost 0.1 ms a card (the home page's featured stalls
    and carousels, a directory page of 24).

    Each stall needs ``product_count``, and its logo's rendition either as the column
    ``logo_rendition`` (``queries.packed_rendition``) or prefetched on ``logo``.
    """
    storage = _rendition_storage()
    return mark_safe("".join(_stall_card_html(stall, storage=storage) for stall in stalls))

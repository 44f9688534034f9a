"""Google Merchant Center product feed: RSS 2.0 with the ``g:`` namespace.

Written as text item by item (no tree in memory); every value goes through ``escape``.
In an incremental feed (``since``) a removed product is an item with its ``g:id`` and
``<ocop:deleted>true</ocop:deleted>``, so the partner can remove it.
"""

from email.utils import format_datetime
from xml.sax.saxutils import escape

from django.utils import timezone

from . import brand_of, description_of, sale_of, stars_label

CONTENT_TYPE = "application/xml; charset=utf-8"
FILE_NAME = "google.xml"
G_NS = "http://base.google.com/ns/1.0"
OCOP_NS = "https://ocop.market/ns/feed/1"
MAX_ADDITIONAL_IMAGES = 10


def _el(name: str, value) -> str:
    if value is None or value == "":
        return ""
    return f"<{name}>{escape(str(value))}</{name}>"


# The same for every product: written once, not escaped a million times.
_IN_STOCK = _el("g:availability", "in_stock")
_OUT_OF_STOCK = _el("g:availability", "out_of_stock")
_NEW_WITHOUT_IDENTIFIERS = _el("g:condition", "new") + _el("g:identifier_exists", "no")


def header(ctx) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rss version="2.0" xmlns:g="{G_NS}" xmlns:ocop="{OCOP_NS}">\n<channel>\n'
        f"{_el('title', f'OCOP Market – {ctx.partner.name}')}\n"
        f"{_el('link', ctx.base_url + '/')}\n"
        f"{_el('description', 'OCOP Market product feed')}\n"
        f"{_el('lastBuildDate', format_datetime(timezone.localtime(ctx.generated_at)))}\n"
    )


def item(row, price, ctx, description: str | None = None) -> str:
    description = description if description is not None else description_of(row)
    images = [ctx.image_url(name) for name in row.images[: MAX_ADDITIONAL_IMAGES + 1]]
    parts = [
        "<item>",
        _el("g:id", row.pk),
        _el("g:title", row.name[:150]),
        _el("g:description", description),
        _el("g:link", ctx.product_url(row.slug)),
        _el("g:image_link", images[0]),
        *(_el("g:additional_image_link", url) for url in images[1:]),
        _IN_STOCK if row.stock > 0 else _OUT_OF_STOCK,
        _el("g:price", f"{price.original} VND"),
    ]
    sale = sale_of(price)
    if sale:
        parts.append(_el("g:sale_price", f"{sale[0]} VND"))
        parts.append(_el("g:sale_price_effective_date", sale[1]))
    parts += [
        _el("g:brand", brand_of(row)),
        _NEW_WITHOUT_IDENTIFIERS,
        _el("g:google_product_category", ctx.external_category(row.category_id)),
        _el("g:product_type", " > ".join(ctx.category_path(row.category_id))),
        _el("g:shipping_weight", f"{row.weight_grams} g" if row.weight_grams else ""),
        _el("g:custom_label_0", stars_label(row.stars)),
        _el("g:custom_label_1", row.province_name),
        _el("ocop:trace_link", row.trace_url),
        "</item>\n",
    ]
    return "".join(parts)


def deletion(gone, ctx) -> str:
    return f"<item>{_el('g:id', gone.pk)}<ocop:deleted>true</ocop:deleted></item>\n"


def footer(ctx, stats) -> str:
    return "</channel>\n</rss>\n"

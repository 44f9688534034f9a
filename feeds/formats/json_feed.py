"""JSON feed, versioned: one document ``{"version": ..., "items": [...], ...}`` streamed item by item.

The schema is ``feeds/schema/products-v1.schema.json``; a change that breaks a reader
gets a new version and schema file. Counts come after the items, since they are only
known at the end.
"""

import json

from core.text import strip_forbidden

from . import description_of, iso, sale_of

CONTENT_TYPE = "application/json"
FILE_NAME = "products.json"
VERSION = "1.0"
SCHEMA = "products-v1.schema.json"


def _dumps(value) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if "\\u00" in text:
        # JSON escaped a control character (or the text has a backslash and "u00"): a reader
        # would get it back, so write the values without the characters XML 1.0 forbids.
        text = json.dumps(_scrub(value), ensure_ascii=False, separators=(",", ":"))
    return text


def _scrub(value):
    if isinstance(value, str):
        return strip_forbidden(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


def _sep(ctx) -> str:
    first = not getattr(ctx, "_json_started", False)
    ctx._json_started = True
    return "\n" if first else ",\n"


def header(ctx) -> str:
    head = {
        "version": VERSION,
        "schema": f"{ctx.base_url}/feeds/schema/{SCHEMA}",
        "generated_at": iso(ctx.generated_at),
        "partner": ctx.partner.slug,
        "since": iso(ctx.since) or None,
        "currency": "VND",
    }
    return _dumps(head)[:-1] + ',"items":['


def item(row, price, ctx, description: str | None = None) -> str:
    description = description if description is not None else description_of(row)
    sale = sale_of(price)
    offer = price.offer if sale else None
    value = {
        "id": str(row.pk),
        "slug": row.slug,
        "deleted": False,
        "title": row.name,
        "description": description,
        "url": ctx.product_url(row.slug),
        "images": [ctx.image_url(name) for name in row.images],
        "price": {
            "amount": price.original,
            "currency": "VND",
            "sale_amount": sale[0] if sale else None,
            "sale_starts_at": iso(offer.starts_at) or None if offer else None,
            "sale_ends_at": iso(offer.ends_at) or None if offer else None,
            "promotion": offer.title if offer else None,
        },
        "availability": "in_stock" if row.stock > 0 else "out_of_stock",
        "stock": row.stock,
        "unit": row.unit,
        "weight_grams": row.weight_grams,
        "category": {
            "id": row.category_id,
            "path": ctx.category_path(row.category_id),
            "partner_category": ctx.external_category(row.category_id) or None,
        },
        "producer": {"id": row.producer_id, "name": row.producer_name, "kind": row.producer_kind},
        "stall": {
            "name": row.stall_name,
            "url": ctx.stall_url(row.stall_slug),
            "province": row.province_name or None,
        },
        "origin": {"province": row.origin_province or None, "commune": row.origin_commune or None},
        "ocop": {
            "stars": row.stars,
            "certificates": [
                {
                    "stars": cert["stars"],
                    "decision_number": cert["decision_number"],
                    "decision_date": iso(cert["decision_date"]),
                    "expires_on": iso(cert["expires_on"]),
                    "level": cert["level"],
                    "issuing_body": cert["issuing_body"],
                }
                for cert in row.certificates
            ],
        },
        "updated_at": iso(row.updated_at),
        "trace_url": row.trace_url or None,
        # Buyers' published reviews (1 to 5) and the quantity delivered.
        "rating": {
            "average": float(row.rating_average) if row.rating_count else None,
            "count": row.rating_count,
        },
        "sold": row.sold_count,
    }
    return _sep(ctx) + _dumps(value)


def deletion(gone, ctx) -> str:
    return _sep(ctx) + _dumps({"id": str(gone.pk), "slug": gone.slug, "deleted": True, "updated_at": iso(gone.at)})


def footer(ctx, stats) -> str:
    return "\n]," + _dumps(stats)[1:] + "\n"

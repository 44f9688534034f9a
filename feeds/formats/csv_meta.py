"""Meta (Facebook/Instagram) catalog CSV: UTF-8 with a BOM so that Excel reads Vietnamese.

Descriptions are plain text. In an incremental feed a removed product is a row with its
``id`` and ``status`` = ``archived`` (Meta's own column for hiding an item).

Cells are written as they are, without the spreadsheet-formula neutralising of the exports
people open (core/spreadsheet.py): Meta's servers read this file, and a leading
apostrophe would become part of a title there.
"""

import csv
import io

from . import brand_of, description_of, sale_of, stars_label

CONTENT_TYPE = "text/csv; charset=utf-8"
FILE_NAME = "products.csv"
BOM = "\ufeff"
COLUMNS = [
    "id",
    "title",
    "description",
    "availability",
    "condition",
    "price",
    "sale_price",
    "sale_price_effective_date",
    "link",
    "image_link",
    "additional_image_link",
    "brand",
    "google_product_category",
    "product_type",
    "quantity_to_sell_on_facebook",
    "shipping_weight",
    "custom_label_0",
    "custom_label_1",
    "status",
]


class _Line:
    """A csv.writer target that hands back each written line."""

    def __init__(self):
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def __call__(self, values) -> str:
        self.writer.writerow(values)
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text


def _line(ctx):
    line = getattr(ctx, "_csv_line", None)
    if line is None:
        line = ctx._csv_line = _Line()
    return line


def header(ctx) -> str:
    return BOM + _line(ctx)(COLUMNS)


def item(row, price, ctx, description: str | None = None) -> str:
    description = description if description is not None else description_of(row)
    images = [ctx.image_url(name) for name in row.images[:11]]
    sale = sale_of(price)
    return _line(ctx)(
        [
            row.pk,
            row.name[:150],
            description,
            "in stock" if row.stock > 0 else "out of stock",
            "new",
            f"{price.original} VND",
            f"{sale[0]} VND" if sale else "",
            sale[1] if sale else "",
            ctx.product_url(row.slug),
            images[0],
            ",".join(images[1:]),
            brand_of(row),
            ctx.external_category(row.category_id),
            " > ".join(ctx.category_path(row.category_id)),
            row.stock,
            f"{row.weight_grams} g" if row.weight_grams else "",
            stars_label(row.stars),
            row.province_name,
            "active",
        ]
    )


def deletion(gone, ctx) -> str:
    values = dict.fromkeys(COLUMNS, "")
    values.update(id=gone.pk, status="archived")
    return _line(ctx)(list(values.values()))


def footer(ctx, stats) -> str:
    return ""

"""Many products of one producer from a spreadsheet (CSV or XLSX) with Vietnamese headings.

``read_rows`` turns the file into dictionaries keyed by field, ``validate`` checks every row
and says, row by row, what will be created or what is wrong and why; ``create_products``
writes the valid rows as ``ApplicationProduct`` rows in one transaction. Nothing is saved
before the officer has seen the result and confirmed.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Category
from core.money import parse_vnd
from core.text import fold

from . import services
from .models import Application, ApplicationProduct
from .uploads import store_application_photo

MAX_ROWS = 500

# The template's example row starts with this (folded) mark and is never imported.
EXAMPLE_MARK = "Ví dụ (xoá dòng này): "

# (field, Vietnamese heading, example value). The template's headings, in order.
COLUMNS: list[tuple[str, str, str]] = [
    ("name", "Tên sản phẩm", EXAMPLE_MARK + "Mật ong hoa cà phê 500 ml"),
    ("category", "Nhóm sản phẩm (mã OCOP)", "1.3"),
    ("unit", "Đơn vị bán", "chai"),
    ("price", "Giá bán (đồng)", "180000"),
    ("stock", "Số lượng có thể bán", "20"),
    ("weight_grams", "Khối lượng (gam)", "650"),
    ("short_description", "Mô tả ngắn", "Mật ong nguyên chất, thu hoạch tháng Ba."),
    ("description", "Mô tả chi tiết", "Ong nuôi dưới tán cà phê, không pha đường."),
    ("ocop_stars", "Số sao OCOP (3, 4, 5 hoặc để trống)", "4"),
    ("ocop_decision_number", "Số quyết định công nhận OCOP", "1234/QĐ-UBND"),
    ("ocop_decision_date", "Ngày quyết định (ngày/tháng/năm)", "15/03/2024"),
    ("ocop_level", "Cấp công nhận (tỉnh, trung ương, huyện)", "tỉnh"),
    ("packaged_food", "Thực phẩm đóng gói (có/không)", "có"),
    ("food_safety_number", "Số bản tự công bố", "01/2024/MOBT"),
    ("food_safety_date", "Ngày tự công bố (ngày/tháng/năm)", "02/01/2024"),
    ("food_safety_exempt_reason", "Lý do không cần tự công bố", ""),
]
EXAMPLE_NAME = "Mật ong hoa cà phê 500 ml"  # the example's name in templates made before the mark
FIELD_LABELS = {
    "name": gettext_lazy("Product name"),
    "category": gettext_lazy("Product group"),
    "unit": gettext_lazy("Unit of sale"),
    "price": gettext_lazy("Price"),
    "stock": gettext_lazy("Stock"),
    "weight_grams": gettext_lazy("Weight (grams)"),
    "short_description": gettext_lazy("Short description"),
    "description": gettext_lazy("Description"),
    "ocop_stars": gettext_lazy("OCOP stars"),
    "ocop_decision_number": gettext_lazy("OCOP decision number"),
    "ocop_decision_date": gettext_lazy("OCOP decision date"),
    "ocop_level": gettext_lazy("OCOP level"),
    "packaged_food": gettext_lazy("Packaged food"),
    "food_safety_number": gettext_lazy("Self-declaration number"),
    "food_safety_date": gettext_lazy("Self-declaration date"),
    "food_safety_exempt_reason": gettext_lazy("Reason for exemption"),
}
REQUIRED = ("name", "category", "unit", "price")
MAX_LENGTHS = {
    "name": 200,
    "unit": 30,
    "short_description": 300,
    "ocop_decision_number": 60,
    "food_safety_number": 60,
    "food_safety_exempt_reason": 300,
}
LEVELS = {
    "tinh": "province",
    "cap tinh": "province",
    "province": "province",
    "trung uong": "central",
    "cap trung uong": "central",
    "central": "central",
    "huyen": "district",
    "cap huyen": "district",
    "district": "district",
}
YES = {"co", "x", "yes", "y", "1", "true", "dung"}
NO = {"", "khong", "no", "n", "0", "false", "sai"}


def _key(text) -> str:
    """A heading compared loosely: folded, lower case, without the part in brackets."""
    text = re.sub(r"\(.*?\)", "", str(text or ""))
    return " ".join(fold(text).lower().replace("_", " ").split())


HEADING_TO_FIELD = {}
for _field, _heading, _example in COLUMNS:
    HEADING_TO_FIELD[_key(_heading)] = _field
    HEADING_TO_FIELD[_key(_field)] = _field
    HEADING_TO_FIELD[_key(str(FIELD_LABELS[_field]))] = _field


class SheetError(ValidationError):
    """The file as a whole cannot be read (shown above the form)."""


@dataclass
class RowResult:
    number: int  # the row number as the spreadsheet shows it (headings are row 1)
    raw: dict
    data: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    category_label: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading ----------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1258", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(_("This file is not a spreadsheet we can read. Save it as CSV (UTF-8) or XLSX."))


def _csv_rows(data: bytes) -> list[list]:
    if b"\x00" in data[:4096]:
        raise SheetError(_("This file is not a spreadsheet we can read. Save it as CSV (UTF-8) or XLSX."))
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[list]:
    # openpyxl takes about a second to import: only the spreadsheet import and export need it.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise SheetError(_("This XLSX file is damaged or is not a spreadsheet. Save it again from Excel.")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True, max_col=len(COLUMNS) + 10):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1 + 50:  # headings, the limit, and some blank rows
                break
        return rows
    finally:
        workbook.close()


def read_rows(data: bytes, filename: str = "") -> list[tuple[int, dict]]:
    """``[(row number, {field: value})]``, blank rows skipped. Raises SheetError for an unreadable file."""
    if data.startswith(b"PK\x03\x04"):
        table = _xlsx_rows(data)
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        raise SheetError(_("This XLSX file is damaged or is not a spreadsheet. Save it again from Excel."))
    else:
        table = _csv_rows(data)
    if not table:
        raise SheetError(_("The spreadsheet is empty. Use the template: headings in row 1, one product per row."))
    headings = table[0]
    columns: dict[int, str] = {}
    unknown = []
    for i, heading in enumerate(headings):
        if heading is None or str(heading).strip() == "":
            continue
        f = HEADING_TO_FIELD.get(_key(heading))
        if f is None:
            unknown.append(str(heading))
        elif f not in columns.values():
            columns[i] = f
    missing = [dict((f, h) for f, h, _e in COLUMNS)[f] for f in REQUIRED if f not in columns.values()]
    if missing:
        raise SheetError(
            _(
                "Row 1 must hold the template's headings. Missing: %(cols)s. "
                "Download the template and copy your rows into it."
            )
            % {"cols": ", ".join(missing)}
        )
    rows = []
    for number, row in enumerate(table[1:], start=2):
        values = {f: (row[i] if i < len(row) else None) for i, f in columns.items()}
        if all(v is None or str(v).strip() == "" for v in values.values()):
            continue
        rows.append((number, values))
    if not rows:
        raise SheetError(_("The spreadsheet has headings but no products. Write one product per row."))
    if len(rows) > MAX_ROWS:
        raise SheetError(
            _("The spreadsheet has more than %(n)s products. Split it into several files.") % {"n": MAX_ROWS}
        )
    return rows


# --- validating -------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _integer(value, *, label) -> int | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool):
        raise ValueError(_("%(label)s must be a whole number.") % {"label": label})
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(_("%(label)s must be a whole number.") % {"label": label})
        number = int(value)
    else:
        raw = re.sub(r"[\s.,]|đ|₫|vnd|VND|đồng", "", str(value))
        if not raw.isdigit():
            raise ValueError(
                _("%(label)s must be a whole number, e.g. 150000 (it says “%(value)s”).")
                % {
                    "label": label,
                    "value": _text(value),
                }
            )
        number = int(raw)
    if number < 0:
        raise ValueError(_("%(label)s cannot be negative.") % {"label": label})
    return number


def _price(value) -> int | None:
    """Whole đồng as the officer typed them (150000, 150.000, 150,000); a decimal part is refused."""

    return parse_vnd(value)


def _date(value, *, label) -> datetime.date | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            day = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if day.year < 1990 or day > datetime.date.today() + datetime.timedelta(days=1):
            break
        return day
    raise ValueError(
        _("%(label)s “%(value)s” is not a date: write it as day/month/year, e.g. 15/03/2024.")
        % {"label": label, "value": text}
    )


def _categories():
    by_code, by_name = {}, {}
    categories = list(Category.objects.select_related("parent"))
    parents = {c.parent_id for c in categories if c.parent_id}
    for c in categories:
        c.subgroups = sorted((x for x in categories if x.parent_id == c.pk), key=lambda x: (x.sort_order, x.code))
        c.is_group_of_groups = c.pk in parents
    for c in categories:
        if c.code:
            by_code[c.code.strip().lower()] = c
        by_name.setdefault(_key(c.name), c)
        if c.name_en:
            by_name.setdefault(_key(c.name_en), c)
    return by_code, by_name


def is_example_row(raw: dict) -> bool:
    """The template's example: marked "Ví dụ" (today's template), or every cell as in an older one."""
    name = _key(raw.get("name"))
    if name.startswith(_key(EXAMPLE_MARK)) or name.startswith("vi du:") or name.startswith("vi du "):
        return True
    example = {f: _text(e) for f, _h, e in COLUMNS}
    example["name"] = _text(EXAMPLE_NAME)
    return all(_text(raw.get(f)) == example[f] for f in example if f in raw) and "name" in raw


def validate(rows: list[tuple[int, dict]]) -> list[RowResult]:
    by_code, by_name = _categories()
    results = []
    seen_names: dict[str, int] = {}
    for number, raw in rows:
        r = RowResult(number=number, raw={k: _text(v) for k, v in raw.items()})
        d = r.data
        if is_example_row(raw):
            r.errors.append(_("This is the template's example row: it is never imported. Delete it."))
            results.append(r)
            continue
        for f in (
            "name",
            "unit",
            "short_description",
            "description",
            "ocop_decision_number",
            "food_safety_number",
            "food_safety_exempt_reason",
        ):
            value = _text(raw.get(f))
            limit = MAX_LENGTHS.get(f)
            if limit and len(value) > limit:
                r.errors.append(
                    _("%(label)s is too long (at most %(n)s characters).") % {"label": FIELD_LABELS[f], "n": limit}
                )
            d[f] = value
        if not d["name"]:
            r.errors.append(_("The product name is empty."))
        else:
            folded = _key(d["name"])
            if folded in seen_names:
                r.errors.append(_("The same product is already in row %(n)s.") % {"n": seen_names[folded]})
            else:
                seen_names[folded] = number
        if not d["unit"]:
            r.errors.append(_("The unit of sale is empty (kg, hộp, chai …)."))
        category = _text(raw.get("category"))
        found = by_code.get(category.lower()) or by_name.get(_key(category)) if category else None
        if not category:
            r.errors.append(_("The product group is empty: write its OCOP code, e.g. 1.3."))
        elif found is None:
            r.errors.append(
                _("The product group “%(value)s” does not exist: use a code from the template's list, e.g. 1.3.")
                % {"value": category}
            )
        elif found.is_group_of_groups:
            # The storefront files products under subgroups: a product filed under the whole
            # group would be found under none of them. Which subgroup is for the officer to say.
            r.errors.append(
                _(
                    "“%(value)s” is a whole OCOP group, not a product group: write the code of one of its "
                    "subgroups (%(codes)s)."
                )
                % {"value": category, "codes": ", ".join(f"{c.code} {c.name}".strip() for c in found.subgroups[:8])}
            )
        else:
            d["category"] = found
            r.category_label = f"{found.code} {found.name}".strip()
        bad_number = set()
        try:
            d["price"] = _price(raw.get("price"))
        except ValueError as exc:
            r.errors.append(str(exc))
            d["price"] = None
            bad_number.add("price")
        for f in ("stock", "weight_grams"):
            try:
                d[f] = _integer(raw.get(f), label=FIELD_LABELS[f])
            except ValueError as exc:
                r.errors.append(str(exc))
                d[f] = None
                bad_number.add(f)
        if d.get("price") is None and "price" not in bad_number:
            r.errors.append(_("The price is empty: write it in đồng, e.g. 150000."))
        elif d.get("price") is not None and d["price"] < 1000:
            r.errors.append(_("The price looks too low: write it in đồng, e.g. 150000."))
        d["stock"] = d.get("stock") or 0
        stars = _text(raw.get("ocop_stars")).replace("★", "").replace("sao", "").strip()
        if stars:
            if stars not in ("3", "4", "5"):
                r.errors.append(_("OCOP stars must be 3, 4 or 5 (it says “%(value)s”).") % {"value": stars})
                d["ocop_stars"] = None
            else:
                d["ocop_stars"] = int(stars)
        else:
            d["ocop_stars"] = None
        d["ocop_claimed"] = d["ocop_stars"] is not None
        for f in ("ocop_decision_date", "food_safety_date"):
            try:
                d[f] = _date(raw.get(f), label=FIELD_LABELS[f])
            except ValueError as exc:
                r.errors.append(str(exc))
                d[f] = None
        level = _key(raw.get("ocop_level"))
        if level:
            if level not in LEVELS:
                r.errors.append(
                    _("The OCOP level “%(value)s” is unknown: write tỉnh, trung ương or huyện.")
                    % {"value": _text(raw.get("ocop_level"))}
                )
                d["ocop_level"] = ""
            else:
                d["ocop_level"] = LEVELS[level]
        else:
            d["ocop_level"] = ""
        packaged = _key(raw.get("packaged_food"))
        if packaged in YES:
            d["packaged_food"] = True
        elif packaged in NO:
            d["packaged_food"] = False
        else:
            r.errors.append(_("“Packaged food” must be có or không."))
            d["packaged_food"] = False
        if r.ok:
            r.warnings = _still_needed(d)
        results.append(r)
    return results


def _still_needed(d) -> list[str]:
    """What the checklist will still ask before the application can be sent (not errors here)."""
    needed = [_("photos")]
    if d["ocop_claimed"]:
        if not d["ocop_decision_number"]:
            needed.append(_("OCOP decision number"))
        if not d["ocop_decision_date"]:
            needed.append(_("OCOP decision date"))
        if not d["ocop_level"]:
            needed.append(_("OCOP level"))
        needed.append(_("scan of the OCOP certificate"))
    if d["packaged_food"] and not (
        (d["food_safety_number"] and d["food_safety_date"]) or d["food_safety_exempt_reason"]
    ):
        needed.append(_("food-safety self-declaration"))
    return needed


def validate_file(data: bytes, filename: str = "") -> list[RowResult]:
    return validate(read_rows(data, filename))


# --- writing ----------------------------------------------------------------------------

PRODUCT_FIELDS = (
    "name",
    "category",
    "short_description",
    "description",
    "unit",
    "price",
    "stock",
    "weight_grams",
    "ocop_claimed",
    "ocop_stars",
    "ocop_decision_number",
    "ocop_decision_date",
    "ocop_level",
    "packaged_food",
    "food_safety_number",
    "food_safety_date",
    "food_safety_exempt_reason",
)


def create_products(*, app, results: list[RowResult], actor) -> list:
    """The valid rows as products of ``app`` (in one transaction, recorded in its audit trail)."""

    valid = [r for r in results if r.ok]
    with transaction.atomic():
        start = app.products.count()
        products = ApplicationProduct.objects.bulk_create(
            [
                ApplicationProduct(
                    application=app,
                    sort_order=start + i,
                    bulk_row=r.number,
                    **{f: r.data[f] for f in PRODUCT_FIELDS},
                )
                for i, r in enumerate(valid)
            ]
        )
        services.record_edit(
            app,
            actor,
            field="products",
            summary=_("%(n)s products from a spreadsheet") % {"n": len(products)},
        )
    return products


def create_application_from_rows(*, producer, results: list[RowResult], actor):
    """A new ADD_PRODUCTS draft for ``producer`` holding the valid rows, in one transaction."""

    with transaction.atomic():
        app = services.create_application(
            household=producer.owner, actor=actor, kind=Application.Kind.ADD_PRODUCTS, producer=producer
        )
        create_products(app=app, results=results, actor=actor)
    return app


# --- photos for many products at once ----------------------------------------------------

_COUNTER = re.compile(r"(?:[\s_\-.]*\(\d{1,2}\)|[\s_\-.]+\d{1,2})$")
_ROW = re.compile(r"^(?:dong|hang|row|d|r)?\s*(\d{1,4})$")


def _file_key(name: str) -> str:
    """A file or product name compared loosely: folded, lower case, words joined by one space."""
    stem = re.sub(r"\.[A-Za-z0-9]{2,5}$", "", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(stem)).split())


def match_photo(filename: str, products) -> object | None:
    """The product a photo's file name designates, or None.

    Matched, in order: the product's name folded without diacritics ("Mật ong 500 ml" ←
    ``mat-ong-500-ml.jpg``, ``MAT_ONG_500_ML (2).JPG``, ``mat ong 500ml-3.jpg``), its
    spreadsheet row (``12.jpg``, ``dong-12.jpg``), then one product whose name starts the file's
    name. A name that fits two products matches neither.
    """
    key = _file_key(filename)
    if not key:
        return None
    by_name: dict[str, list] = {}
    for p in products:
        by_name.setdefault(_file_key(p.name), []).append(p)
        by_name.setdefault(_file_key(p.name).replace(" ", ""), []).append(p)

    def unique(found):
        found = list({p.pk: p for p in found}.values())
        return found[0] if len(found) == 1 else None

    candidates = [key, _COUNTER.sub("", key)]
    for k in candidates:
        for variant in (k, k.replace(" ", "")):
            if variant in by_name:
                return unique(by_name[variant])
    row = _ROW.match(key)
    if row:
        return unique(p for p in products if p.bulk_row == int(row.group(1)))
    starts = [p for p in products if _file_key(p.name) and key.startswith(_file_key(p.name) + " ")]
    if starts:
        longest = max(len(_file_key(p.name)) for p in starts)
        return unique(p for p in starts if len(_file_key(p.name)) == longest)
    return None


@dataclass
class PhotoResult:
    saved: dict = field(default_factory=dict)  # product pk -> number of photos saved
    errors: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(self.saved.values())


def attach_photos(*, app, files=(), per_product=None, actor) -> PhotoResult:
    """Save photos for the products of ``app``: ``files`` matched by their names, ``per_product``
    ({product pk: [files]}) placed as chosen. Each file is checked and cleaned on its own
    (``uploads.store_application_photo``, private until published): a bad one is reported by
    name, the others are saved."""

    products = list(app.products.prefetch_related("photos"))
    by_pk = {p.pk: p for p in products}
    result = PhotoResult()
    placed: list[tuple] = []
    for pk, uploads in (per_product or {}).items():
        product = by_pk.get(pk)
        if product is not None:
            placed.extend((product, u) for u in uploads)
    for upload in files:
        product = match_photo(upload.name, products)
        if product is None:
            result.unmatched.append(upload.name)
        else:
            placed.append((product, upload))
    next_order = {p.pk: len(p.photos.all()) for p in products}
    for product, upload in placed:
        try:
            with transaction.atomic():
                store_application_photo(upload, product=product, sort_order=next_order[product.pk])
        except ValidationError as exc:
            result.errors.append(f"{upload.name}: {' '.join(exc.messages)}")
            continue
        next_order[product.pk] += 1
        result.saved[product.pk] = result.saved.get(product.pk, 0) + 1
    if result.count:
        services.record_edit(
            app,
            actor,
            field="photos",
            summary=_("%(n)s photos for %(p)s products") % {"n": result.count, "p": len(result.saved)},
        )
    return result


# --- the template -----------------------------------------------------------------------


def template_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([h for _f, h, _e in COLUMNS])
    writer.writerow([e for _f, _h, e in COLUMNS])
    # A BOM so that Excel opens the Vietnamese headings as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    # openpyxl takes about a second to import: only the spreadsheet import and export need it.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sản phẩm"
    sheet.append([h for _f, h, _e in COLUMNS])
    sheet.append([e for _f, _h, e in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="2F6B2F")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, (_f, heading, _e) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = max(14, min(40, len(heading) + 2))
    sheet.freeze_panes = "A2"
    groups = workbook.create_sheet("Nhóm sản phẩm")
    groups.append(["Mã", "Nhóm sản phẩm"])
    for cell in groups[1]:
        cell.font = Font(bold=True)
    for c in Category.objects.select_related("parent").order_by("sort_order", "name"):
        if c.code:
            groups.append([c.code, str(c)])
    groups.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

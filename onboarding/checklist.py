"""What an application must contain before it can be submitted, computed from its content.

``checklist(app)`` lists every item with ``ok`` and, when not ok, a message in plain language
(Vietnamese by default) that the wizard shows next to the field (``key``) on its step (``step``).
For ADD_PRODUCTS and EDIT_PRODUCT applications the producer and stall items are read from the
existing producer and stall, not from the application.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from core.phone import normalize_vn_phone
from producers.banks import holder_matches, vietqr_banks
from producers.models import Producer

TAX_CODE_RE = re.compile(r"^\d{10}(-\d{3})?$")
PERSONAL_ID_RE = re.compile(r"^\d{12}$")
ACCOUNT_NUMBER_RE = re.compile(r"^[0-9A-Za-z]{4,19}$")

# Producer kinds that are legal entities, so have a tax code of their own. Households and
# household businesses may give the representative's personal ID number instead (since July
# 2025 it also serves as their tax code).
REGISTERED_KINDS = {
    Producer.Kind.COOPERATIVE,
    Producer.Kind.ENTERPRISE,
}

STEPS = ("producer", "stall", "address", "products", "photos", "documents", "payment", "review")


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    ok: bool
    message: str
    step: str

    @property
    def product_pk(self) -> int | None:
        """The product an item is about ("product:12:price" → 12), so a link opens that product."""
        parts = self.key.split(":")
        return int(parts[1]) if len(parts) == 3 and parts[0] == "product" and parts[1].isdigit() else None


@dataclass
class _Source:
    """The producer and stall facts an application is checked against."""

    producer_kind: str
    legal_name: str
    representative: str
    tax_code: str
    personal_id: str
    stall_name: str
    story: str
    phone: str
    province_id: str | None
    commune_id: str | None
    commune_province_id: str | None
    bank_bin: str
    account_number: str
    account_holder: str


def _source(app) -> _Source:
    producer = app.producer if app.kind != app.Kind.NEW_STALL and app.producer_id else None
    if producer is None:
        return _Source(
            producer_kind=app.producer_kind,
            legal_name=app.legal_name,
            representative=app.representative,
            tax_code=app.tax_code,
            personal_id=app.personal_id,
            stall_name=app.stall_name,
            story=app.story,
            phone=app.phone,
            province_id=app.province_id,
            commune_id=app.commune_id,
            commune_province_id=app.commune.province_id if app.commune_id else None,
            bank_bin=app.bank_bin,
            account_number=app.account_number,
            account_holder=app.account_holder,
        )
    stall = getattr(producer, "stall", None)
    bank = getattr(producer, "bank_account", None)
    # An application may bring a new bank account for an existing producer.
    if app.bank_bin or app.account_number or app.account_holder or bank is None:
        bank_bin, number, holder = app.bank_bin, app.account_number, app.account_holder
    else:
        bank_bin, number, holder = bank.bank_bin, bank.account_number, bank.account_holder
    return _Source(
        producer_kind=producer.kind,
        legal_name=producer.legal_name,
        representative=producer.representative,
        tax_code=producer.tax_code,
        personal_id=producer.personal_id,
        stall_name=stall.name if stall else "",
        story=stall.story if stall else "",
        phone=stall.phone if stall else "",
        province_id=stall.province_id if stall else None,
        commune_id=stall.commune_id if stall else None,
        commune_province_id=stall.commune.province_id if stall and stall.commune_id else None,
        bank_bin=bank_bin,
        account_number=number,
        account_holder=holder,
    )


def _item(items, key, label, step, problem: str = ""):
    items.append(Item(key=key, label=label, ok=not problem, message=problem, step=step))


def _producer_items(items, src: _Source):
    kinds = {k for k, _label in Producer.Kind.choices}
    _item(
        items,
        "producer_kind",
        _("Kind of producer"),
        "producer",
        "" if src.producer_kind in kinds else _("Choose whether you are a household, a cooperative or a company."),
    )
    _item(
        items,
        "legal_name",
        _("Name of the household or business"),
        "producer",
        "" if src.legal_name.strip() else _("Write the name of your household or business."),
    )
    _item(
        items,
        "representative",
        _("Representative"),
        "producer",
        "" if src.representative.strip() else _("Write the full name of the person who represents the producer."),
    )
    tax_code, personal_id = src.tax_code.strip(), src.personal_id.strip()
    if tax_code and not TAX_CODE_RE.match(tax_code):
        _item(
            items,
            "tax_code",
            _("Tax code"),
            "producer",
            _("The tax code is not right: it has 10 digits, or 10 digits, a dash and 3 digits."),
        )
    elif personal_id and not PERSONAL_ID_RE.match(personal_id):
        _item(
            items,
            "personal_id",
            _("Personal ID number"),
            "producer",
            _("The personal ID number (CCCD) is not right: it has 12 digits."),
        )
    elif src.producer_kind in REGISTERED_KINDS:
        _item(
            items,
            "tax_code",
            _("Tax code"),
            "producer",
            "" if tax_code else _("A registered business must give its tax code."),
        )
    else:
        _item(
            items,
            "personal_id",
            _("Tax code or personal ID number"),
            "producer",
            ""
            if tax_code or personal_id
            else _("Write your personal ID number (CCCD, 12 digits) or your tax code: the law requires it to sell."),
        )


def _stall_items(items, src: _Source):
    _item(
        items,
        "stall_name",
        _("Stall name"),
        "stall",
        "" if src.stall_name.strip() else _("Give your stall a name buyers will see."),
    )
    _item(
        items,
        "story",
        _("Story"),
        "stall",
        "" if src.story.strip() else _("Write a few lines about your family, your farm and your products."),
    )
    problem = ""
    if not src.phone.strip():
        problem = _("Write a phone number buyers and the officer can call.")
    else:
        try:
            normalize_vn_phone(src.phone)
        except ValidationError:
            problem = _("The phone number is not right. Write it like 0912 345 678.")
    _item(items, "phone", _("Phone number"), "stall", problem)


def _address_items(items, src: _Source):
    _item(
        items,
        "province",
        _("Province"),
        "address",
        "" if src.province_id else _("Choose your province or city."),
    )
    if not src.commune_id:
        problem = _("Choose your commune or ward (the new name, since July 2025).")
    elif src.province_id and src.commune_province_id != src.province_id:
        problem = _("This commune or ward is not in the chosen province. Choose it again.")
    else:
        problem = ""
    _item(items, "commune", _("Commune or ward"), "address", problem)


def _product_items(items, app):
    products = list(app.products.all())
    _item(
        items,
        "products",
        _("Products"),
        "products",
        "" if products else _("Add at least one product to sell."),
    )
    for n, product in enumerate(products, start=1):
        name = product.name.strip() or _("product %(n)s") % {"n": n}
        prefix = f"product:{product.pk}:"
        label = _("%(field)s of %(product)s")

        def add(field, field_label, step, problem, prefix=prefix, name=name, label=label):
            _item(items, prefix + field, label % {"field": field_label, "product": name}, step, problem)

        add("name", _("Name"), "products", "" if product.name.strip() else _("Write the name of the product."))
        add(
            "category",
            _("Category"),
            "products",
            "" if product.category_id else _("Choose the group the product belongs to."),
        )
        add(
            "price",
            _("Price"),
            "products",
            "" if product.price else _("Write the price in đồng (for example 150000)."),
        )
        add(
            "unit",
            _("Unit"),
            "products",
            "" if product.unit.strip() else _("Write how it is sold: kg, box, bottle, bag…"),
        )
        # The quantity is shown, not required: 0 is allowed (it shows as sold out), and the
        # approver confirms it explicitly.
        quantity = (
            _("%(n)s %(unit)s") % {"n": product.stock, "unit": product.unit}
            if product.stock
            else _("0, shows as sold out")
        ).strip()
        items.append(
            Item(
                key=prefix + "stock",
                label=_("Quantity available of %(product)s: %(quantity)s") % {"product": name, "quantity": quantity},
                ok=True,
                message="",
                step="products",
            )
        )
        add(
            "photos",
            _("Photos"),
            "photos",
            "" if list(product.photos.all()) else _("Add at least one clear photo of the product."),
        )
        if product.ocop_claimed:
            add(
                "ocop_stars",
                _("OCOP stars"),
                "documents",
                "" if product.ocop_stars in (3, 4, 5) else _("Choose how many OCOP stars (3, 4 or 5)."),
            )
            add(
                "ocop_decision_number",
                _("OCOP decision number"),
                "documents",
                ""
                if product.ocop_decision_number.strip()
                else _("Write the number of the OCOP recognition decision (for example 123/QĐ-UBND)."),
            )
            add(
                "ocop_decision_date",
                _("OCOP decision date"),
                "documents",
                "" if product.ocop_decision_date else _("Write the date of the OCOP recognition decision."),
            )
            add(
                "ocop_level",
                _("OCOP level"),
                "documents",
                "" if product.ocop_level else _("Choose who recognised the product: province, central or district."),
            )
            add(
                "ocop_scan",
                _("OCOP certificate"),
                "documents",
                "" if product.ocop_scan else _("Take a photo of the OCOP certificate or upload its scan."),
            )
        if product.packaged_food:
            has_declaration = product.food_safety_number.strip() and product.food_safety_date
            exempt = product.food_safety_exempt_reason.strip()
            add(
                "food_safety",
                _("Food-safety self-declaration"),
                "documents",
                ""
                if has_declaration or exempt
                else _(
                    "Packaged food needs the food-safety self-declaration (its number and date), "
                    "or write why it is exempt."
                ),
            )


def _payment_items(items, src: _Source):
    banks = {b for b, _s, _n in vietqr_banks()}
    _item(
        items,
        "bank_bin",
        _("Bank"),
        "payment",
        "" if src.bank_bin in banks else _("Choose your bank from the list."),
    )
    number = src.account_number.strip()
    if not number:
        problem = _("Write your bank account number.")
    elif not ACCOUNT_NUMBER_RE.match(number):
        problem = _("The account number is not right: it has 4 to 19 letters or digits.")
    else:
        problem = ""
    _item(items, "account_number", _("Account number"), "payment", problem)
    if not src.account_holder.strip():
        problem = _("Write the account holder's name as the bank prints it.")
    elif not holder_matches(src.account_holder, src.representative):
        problem = _(
            "The account holder must be the representative (%(name)s). Use an account in the representative's name."
        ) % {"name": src.representative or "?"}
    else:
        problem = ""
    _item(items, "account_holder", _("Account holder"), "payment", problem)


def checklist(app) -> list:
    """Every item of ``app``'s checklist, in wizard order."""
    if app.pk:
        prefetch_related_objects([app], "products__photos")
    src = _source(app)
    items: list[Item] = []
    _producer_items(items, src)
    _stall_items(items, src)
    _address_items(items, src)
    _product_items(items, app)
    _payment_items(items, src)
    return items


def missing(app) -> list:
    return [item for item in checklist(app) if not item.ok]


def is_complete(app) -> bool:
    return not missing(app)

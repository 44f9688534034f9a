"""What the approver sees before approving: every product as it will be published, the
documents (through the permission-checked views), the bank account masked, and for an edit
what changes on the storefront (old → new).

Reads only; the template ``onboarding/_review_summary.html`` shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from catalog.models import Certification
from core.money import format_vnd
from producers.banks import bank_name

from .models import Application, ApplicationPhoto


def mask_account(number: str) -> str:
    """``"5100205012345"`` → ``"•••• 2345"``: enough to compare with the bank's paper, not to reuse."""
    number = "".join((number or "").split())
    if not number:
        return ""
    return "•••• " + number[-4:] if len(number) > 4 else "••••"


def mask_id(number: str) -> str:
    number = "".join((number or "").split())
    return ("•" * max(0, len(number) - 4) + number[-4:]) if number else ""


@dataclass
class Change:
    label: str
    old: str
    new: str


def _yes_no(value) -> str:
    return _("yes") if value else _("no")


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _published_values(product) -> dict:
    """The storefront product's values, in the application product's terms."""

    cert = product.ocop_certificates.order_by("-decision_date").first()
    food = product.certifications.filter(kind=Certification.Kind.FOOD_SAFETY).first()
    return {
        "name": product.name,
        "category": str(product.category) if product.category_id else "",
        "short_description": product.short_description,
        "description": " ".join(strip_tags(product.description).split()),
        "unit": product.unit,
        "price": format_vnd(product.price),
        "stock": str(product.stock),
        "weight_grams": str(product.weight_grams or ""),
        "ocop_stars": f"{cert.stars}★" if cert else "",
        "ocop_decision_number": cert.decision_number if cert else "",
        "ocop_decision_date": _date(cert.decision_date) if cert else "",
        "packaged_food": _yes_no(food is not None),
        "food_safety_number": food.number if food else "",
        "photos": str(product.images.count()),
    }


def _proposed_values(item) -> dict:
    return {
        "name": item.name,
        "category": str(item.category) if item.category_id else "",
        "short_description": item.short_description,
        "description": " ".join(item.description.split()),
        "unit": item.unit,
        "price": format_vnd(item.price),
        "stock": str(item.stock),
        "weight_grams": str(item.weight_grams or ""),
        "ocop_stars": f"{item.ocop_stars}★" if item.ocop_claimed and item.ocop_stars else "",
        "ocop_decision_number": item.ocop_decision_number if item.ocop_claimed else "",
        "ocop_decision_date": _date(item.ocop_decision_date) if item.ocop_claimed else "",
        "packaged_food": _yes_no(item.packaged_food),
        "food_safety_number": item.food_safety_number if item.packaged_food else "",
        "photos": str(len(item.photos.all())),
    }


def _labels() -> dict:
    return {
        "name": _("Name"),
        "category": _("Product group"),
        "short_description": _("Short description"),
        "description": _("Description"),
        "unit": _("Unit of sale"),
        "price": _("Price"),
        "stock": _("Quantity available"),
        "weight_grams": _("Weight (grams)"),
        "ocop_stars": _("OCOP stars"),
        "ocop_decision_number": _("OCOP decision number"),
        "ocop_decision_date": _("OCOP decision date"),
        "packaged_food": _("Packaged food"),
        "food_safety_number": _("Self-declaration number"),
        "photos": _("Photos"),
    }


def product_changes(item) -> list[Change]:
    """What approving ``item`` (the edited copy) changes on its storefront product."""
    if item.product_id is None or item.product is None:
        return []
    old, new = _published_values(item.product), _proposed_values(item)
    return [
        Change(label=str(label), old=old[key] or "—", new=new[key] or "—")
        for key, label in _labels().items()
        if old[key] != new[key]
    ]


def review_products(app) -> list:
    """The application's products with their photos (renditions prefetched) and, for an edit, their changes."""
    products = list(
        app.products.select_related("category__parent", "product__category__parent").prefetch_related(
            Prefetch(
                "photos",
                queryset=ApplicationPhoto.objects.select_related("image")
                .prefetch_related("image__renditions")
                .order_by("sort_order", "pk"),
            )
        )
    )
    for p in products:
        p.changes = product_changes(p) if app.kind == Application.Kind.EDIT_PRODUCT else []
    return products


def zero_stock_products(app) -> list:
    return [p for p in app.products.all() if not p.stock]


def bank_of(app) -> dict | None:
    """The account the payouts go to: the application's, or the producer's current one."""

    bank_bin, number, holder = app.bank_bin, app.account_number, app.account_holder
    if not (bank_bin or number) and app.producer_id:
        current = getattr(app.producer, "bank_account", None)
        if current is not None:
            bank_bin, number, holder = current.bank_bin, current.account_number, current.account_holder
    if not (bank_bin or number):
        return None
    return {"bank": bank_name(bank_bin) if bank_bin else "", "number": mask_account(number), "holder": holder}

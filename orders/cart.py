"""The session cart: product ids and quantities only; every price is computed on the server.

``Cart`` keeps ``{product_id: quantity}`` in the session. ``price_cart`` turns quantities into
lines priced from the catalog and the live promotions (catalog.pricing), grouped by stall with
each stall's shipping fee, and says what stops checkout (sold out, unpublished, too many).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from catalog.models import Product
from catalog.pricing import attach_prices

SESSION_KEY = "orders_cart"
MAX_QUANTITY = 999


class CartError(Exception):
    """Bad input to the cart; ``message`` is shown to the buyer as is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def parse_quantity(value, *, allow_zero=False) -> int:
    """A whole number of units from the form, or CartError with a message a buyer understands."""
    try:
        quantity = int(str(value).strip())
    except (TypeError, ValueError):
        raise CartError(_("Enter the quantity as a whole number, e.g. 1 or 2.")) from None
    if quantity < 0 or (quantity == 0 and not allow_zero):
        raise CartError(_("The quantity must be at least 1."))
    if quantity > MAX_QUANTITY:
        raise CartError(_("At most %(max)s units of a product per order.") % {"max": MAX_QUANTITY})
    return quantity


def shipping_fee_for(stall, subtotal: int) -> int:
    """The stall's flat fee, or 0 when the subtotal reaches its free-shipping threshold."""
    if stall.free_shipping_over is not None and subtotal >= stall.free_shipping_over:
        return 0
    return int(stall.shipping_fee)


class Cart:
    def __init__(self, session):
        self.session = session

    def quantities(self) -> dict[int, int]:
        raw = self.session.get(SESSION_KEY) or {}
        result = {}
        for key, value in raw.items():
            try:
                pk, quantity = int(key), int(value)
            except (TypeError, ValueError):
                continue
            if quantity > 0:
                result[pk] = quantity
        return result

    def _save(self, quantities: Mapping[int, int]) -> None:
        self.session[SESSION_KEY] = {str(pk): int(q) for pk, q in quantities.items() if q > 0}
        self.session.modified = True

    def __len__(self) -> int:
        return sum(self.quantities().values())

    def add(self, product: Product, quantity: int) -> int:
        """Add units of a product on sale; returns the new quantity. Refuses more than the stock."""
        check_on_sale(product)
        quantities = self.quantities()
        new = quantities.get(product.pk, 0) + quantity
        check_quantity(product, new)
        quantities[product.pk] = new
        self._save(quantities)
        return new

    def set(self, product: Product | None, product_id: int, quantity: int) -> None:
        """Set a line's quantity (0 removes it). A product no longer sold can only be removed."""
        quantities = self.quantities()
        if product_id not in quantities:
            raise CartError(_("This product is not in your cart any more."))
        if quantity == 0:
            quantities.pop(product_id)
        else:
            if product is None:
                raise CartError(_("This product is no longer sold: remove it from your cart."))
            check_on_sale(product)
            check_quantity(product, quantity)
            quantities[product_id] = quantity
        self._save(quantities)

    def remove(self, product_id: int) -> bool:
        quantities = self.quantities()
        removed = quantities.pop(product_id, None) is not None
        self._save(quantities)
        return removed

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)
        self.session.modified = True


def _is_on_sale(product: Product) -> bool:
    stall = getattr(product.producer, "stall", None)
    return product.status == Product.Status.PUBLISHED and stall is not None and stall.is_published


def check_on_sale(product: Product) -> None:
    if not _is_on_sale(product):
        raise CartError(_("“%(name)s” is no longer on sale.") % {"name": product.name})
    if product.stock <= 0:
        raise CartError(_("“%(name)s” is sold out.") % {"name": product.name})


def check_quantity(product: Product, quantity: int) -> None:
    if quantity > MAX_QUANTITY:
        raise CartError(_("At most %(max)s units of a product per order.") % {"max": MAX_QUANTITY})
    if quantity > product.stock:
        raise CartError(
            _("Only %(stock)s %(unit)s of “%(name)s” left in stock.")
            % {"stock": product.stock, "unit": product.unit, "name": product.name}
        )


@dataclass
class CartLine:
    product_id: int
    quantity: int
    product: Product | None = None
    unit_price: int = 0
    original_price: int = 0
    problem: str = ""

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity

    @property
    def name(self) -> str:
        return self.product.name if self.product else _("A product no longer sold")


@dataclass
class StallGroup:
    stall: object
    lines: list[CartLine] = field(default_factory=list)

    @property
    def subtotal(self) -> int:
        return sum(line.line_total for line in self.lines if not line.problem)

    @property
    def shipping_fee(self) -> int:
        return shipping_fee_for(self.stall, self.subtotal) if self.subtotal else 0

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping_fee

    @property
    def free_shipping_missing(self) -> int:
        """How much more to spend at this stall for free shipping (0 when free or never free)."""
        if self.stall.free_shipping_over is None or self.shipping_fee == 0:
            return 0
        return max(int(self.stall.free_shipping_over) - self.subtotal, 0)


@dataclass
class CartSummary:
    groups: list[StallGroup]
    orphans: list[CartLine]  # products deleted from the catalog since they were added

    @property
    def lines(self) -> list[CartLine]:
        return [line for group in self.groups for line in group.lines] + self.orphans

    @property
    def problems(self) -> list[str]:
        return [line.problem for line in self.lines if line.problem]

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def subtotal(self) -> int:
        return sum(group.subtotal for group in self.groups)

    @property
    def shipping_total(self) -> int:
        return sum(group.shipping_fee for group in self.groups)

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping_total


def line_problem(product: Product, quantity: int) -> str:
    if not _is_on_sale(product):
        return _("No longer on sale: remove it to check out.")
    if product.stock <= 0:
        return _("Sold out since you added it: remove it to check out.")
    if quantity > product.stock:
        return _("Only %(stock)s %(unit)s left: lower the quantity to check out.") % {
            "stock": product.stock,
            "unit": product.unit,
        }
    offer = product.pricing.offer if product.pricing.on_sale else None
    if offer is not None and offer.limit_per_order and quantity > offer.limit_per_order:
        return _("The promotion allows at most %(limit)s per order: lower the quantity to check out.") % {
            "limit": offer.limit_per_order
        }
    return ""


def price_cart(quantities: Mapping[int, int], *, products=None, offers=None) -> CartSummary:
    """Price ``{product_id: quantity}`` from the catalog: one product query plus the offers'."""
    quantities = {int(pk): int(q) for pk, q in quantities.items() if int(q) > 0}
    if products is None:
        products = Product.objects.filter(pk__in=quantities).select_related("producer__stall") if quantities else []
    by_pk = {p.pk: p for p in attach_prices(products, offers=offers)}
    groups: dict[int, StallGroup] = {}
    orphans = []
    for pk, quantity in sorted(quantities.items()):
        product = by_pk.get(pk)
        stall = getattr(product.producer, "stall", None) if product else None
        if product is None or stall is None:
            orphans.append(CartLine(product_id=pk, quantity=quantity, product=product, problem=_("No longer sold.")))
            continue
        line = CartLine(
            product_id=pk,
            quantity=quantity,
            product=product,
            unit_price=product.pricing.final,
            original_price=product.pricing.original,
            problem=line_problem(product, quantity),
        )
        groups.setdefault(stall.pk, StallGroup(stall=stall)).lines.append(line)
    ordered = sorted(groups.values(), key=lambda g: (g.stall.name, g.stall.pk))
    for group in ordered:
        group.lines.sort(key=lambda line: (line.name, line.product_id))
    return CartSummary(groups=ordered, orphans=orphans)

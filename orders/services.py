"""Every write of the orders app: checkout, payment outcome, status moves, cancel, refund, expiry.

Each function is atomic; the payment-side ones (``mark_paid``, ``mark_failed``,
``record_refund``) are idempotent: calling them again changes nothing.

Stock: ``place_order`` reserves it with a conditional ``UPDATE … SET stock = stock - q WHERE
stock >= q`` per product (in product-id order, so two checkouts never deadlock), so it can never
go below zero; a part's stock is given back exactly once, when the part moves to CANCELLED
(under its row lock).

Cash on delivery: the parts start in PENDING_PAYMENT ("to be paid on delivery") and the stall
moves them straight to PREPARING; the money is recorded at delivery (or when ``orders.payments`` records the
cash received through ``mark_paid``), without tax withheld.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.services import product_sold_add, stock_changed, stock_give_back, stock_take
from core.money import format_vnd
from core.notify import Message, notify_on_commit

from . import settlement
from .cart import Cart, price_cart
from .models import FulfilmentGroup, GroupStatusChange, Order, OrderLine, OrderSequence, Payment, Refund

logger = logging.getLogger(__name__)

Status = FulfilmentGroup.Status


class OrderError(Exception):
    """A refused change; ``message`` is a complete translated sentence shown as is."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class CheckoutError(OrderError):
    pass


# Moves a person may make from the stall's order screen (payment moves are made by services).
TRANSITIONS: dict[str, set[str]] = {
    Status.PENDING_PAYMENT: {Status.PAID, Status.PREPARING, Status.CANCELLED},
    Status.PAID: {Status.PREPARING, Status.CANCELLED, Status.REFUNDED},
    Status.PREPARING: {Status.SHIPPED, Status.CANCELLED, Status.REFUNDED},
    Status.SHIPPED: {Status.DELIVERED, Status.REFUNDED},
    Status.DELIVERED: {Status.REFUNDED},
    Status.CANCELLED: {Status.REFUNDED},
    Status.REFUNDED: set(),
}

# The stall's own moves, in the order its order screen offers them: a status to move to, or
# "cancel" (cancel_group, the move to CANCELLED with a reason). REFUNDED is the payment services'.
STALL_MOVES = (Status.PREPARING, Status.SHIPPED, Status.DELIVERED)
CANCEL = "cancel"


def _waits_for_payment(group: FulfilmentGroup, to: str) -> bool:
    """A card or VietQR part is prepared once paid; cash on delivery is prepared unpaid."""
    return (
        to == Status.PREPARING
        and group.status == Status.PENDING_PAYMENT
        and group.order.payment_method != Order.PaymentMethod.COD
    )


def available_actions(group: FulfilmentGroup) -> list[str]:
    """The actions the stall's order screen offers for this part now, from TRANSITIONS.

    Each is a value of the screen's ``action`` field: a status of STALL_MOVES, or CANCEL.
    Who may act is the view's business (the part is looked up through the user's stalls).
    """
    allowed = TRANSITIONS[group.status]
    actions = [to for to in STALL_MOVES if to in allowed and not _waits_for_payment(group, to)]
    if Status.CANCELLED in allowed:
        actions.append(CANCEL)
    return actions


def waiting_for_payment(group: FulfilmentGroup) -> bool:
    """The part could be prepared but for the buyer's payment (the screen says so)."""
    return Status.PREPARING in TRANSITIONS[group.status] and _waits_for_payment(group, Status.PREPARING)


PAID_STATUSES = (
    Order.PaymentStatus.PAID,
    Order.PaymentStatus.PARTIALLY_REFUNDED,
    Order.PaymentStatus.REFUNDED,
    Order.PaymentStatus.REFUND_DUE,
)
OPEN_PAYMENT_STATUSES = (Order.PaymentStatus.UNPAID, Order.PaymentStatus.AWAITING, Order.PaymentStatus.FAILED)


def collected_by_for(method: str) -> str:
    """Who receives the money: the platform for card and VietQR (one QR per order), else cash."""
    if method == Order.PaymentMethod.COD:
        return FulfilmentGroup.CollectedBy.COD
    return FulfilmentGroup.CollectedBy.PLATFORM


def _next_number(year: int) -> str:
    """``OCOP-<year>-<6 digits>``: the year's row is locked by the UPDATE until commit."""
    updated = OrderSequence.objects.filter(year=year).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                OrderSequence.objects.create(year=year, last=1)
        except IntegrityError:  # another checkout created the year's row first
            OrderSequence.objects.filter(year=year).update(last=F("last") + 1)
    last = OrderSequence.objects.get(year=year).last
    return f"OCOP-{year}-{last:06d}"


def _reserve_lines(lines) -> None:
    """Reserve ``(product_id, quantity, name)`` for each line, in product order (so that two
    checkouts lock rows in the same order), then tell the page cache in one query."""
    lines = sorted(lines, key=lambda line: line[0])
    for product_id, quantity, name in lines:
        _reserve(product_id, quantity, name)
    stock_changed({product_id: -quantity for product_id, quantity, _name in lines})


def _reserve(product_id: int, quantity: int, name: str) -> None:
    # The stall being published was checked by price_cart in the same transaction.
    left = stock_take(product_id=product_id, quantity=quantity)
    if left is None:
        return
    if left <= 0:
        raise CheckoutError(
            _("Sorry, “%(name)s” has just sold out. Remove it from your cart to check out.") % {"name": name}
        )
    raise CheckoutError(
        _("Sorry, only %(stock)s of “%(name)s” left now. Lower the quantity in your cart.")
        % {"stock": left, "name": name}
    )


def _release_group_stock(group: FulfilmentGroup) -> None:
    lines = sorted(
        ((line.product_id, line.quantity) for line in group.lines.all() if line.product_id), key=lambda x: x[0]
    )
    for product_id, quantity in lines:
        stock_give_back(product_id=product_id, quantity=quantity)
    stock_changed(dict(lines))


def place_order(cart, data: Mapping) -> Order:
    """Create the order from the cart in one transaction, reserving the stock.

    ``cart``: a ``Cart`` or a mapping ``{product_id: quantity}``. ``data``: buyer_name,
    buyer_phone (E.164), buyer_email, province, commune, street_address, note, payment_method.
    Raises CheckoutError (nothing saved) when the cart is empty, has a problem line, or the
    stock ran out meanwhile.
    """
    quantities = cart.quantities() if hasattr(cart, "quantities") else {int(k): int(v) for k, v in cart.items()}
    if not quantities:
        raise CheckoutError(_("Your cart is empty."))
    if any(q <= 0 for q in quantities.values()):
        raise CheckoutError(_("The quantity must be at least 1."))
    method = data["payment_method"]
    if method not in Order.PaymentMethod.values:
        raise CheckoutError(_("Choose a payment method."))
    commune, province = data["commune"], data["province"]
    if commune.province_id != province.pk:
        raise CheckoutError(_("This commune or ward is not in the chosen province."))
    now = timezone.now()
    with transaction.atomic():
        # Reservations past their deadline give their units back first, scheduler or not.
        release_expired_reservations(now, product_ids=quantities, ask_provider=False)
        summary = price_cart(quantities)
        if summary.problems:
            line = next(line for line in summary.lines if line.problem)
            raise CheckoutError(_("“%(name)s”: %(problem)s") % {"name": line.name, "problem": line.problem})
        _reserve_lines((line.product_id, line.quantity, line.name) for line in summary.lines)
        number = _next_number(timezone.localdate().year)
        online = method != Order.PaymentMethod.COD
        order = Order.objects.create(
            number=number,
            payment_reference=number.replace("-", ""),
            buyer_name=data["buyer_name"].strip(),
            buyer_phone=data["buyer_phone"],
            buyer_email=data.get("buyer_email", "") or "",
            province=province,
            commune=commune,
            street_address=data["street_address"].strip(),
            note=(data.get("note") or "").strip(),
            payment_method=method,
            payment_status=Order.PaymentStatus.AWAITING if online else Order.PaymentStatus.UNPAID,
            subtotal=summary.subtotal,
            shipping_total=summary.shipping_total,
            total=summary.total,
            reserved_until=now + datetime.timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES) if online else None,
        )
        lines = []
        for stall_group in summary.groups:
            group = FulfilmentGroup.objects.create(
                order=order,
                stall=stall_group.stall,
                status=Status.PENDING_PAYMENT,
                subtotal=stall_group.subtotal,
                shipping_fee=stall_group.shipping_fee,
                total=stall_group.total,
                collected_by=collected_by_for(method),
                delivered_by_stall=stall_group.stall.delivers_itself,
            )
            lines += [
                OrderLine(
                    group=group,
                    product_id=line.product_id,
                    product_name=line.product.name,
                    unit=line.product.unit,
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                    line_total=line.line_total,
                )
                for line in stall_group.lines
            ]
        OrderLine.objects.bulk_create(lines)
        notify_on_commit(_placed_message(order))
    if isinstance(cart, Cart):
        cart.clear()
    return order


def _link(order: Order) -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return base.rstrip("/") + order.get_absolute_url()


def _placed_message(order: Order) -> Message:
    if order.payment_method == Order.PaymentMethod.COD:
        next_step = _("You pay %(total)s in cash on delivery.")
    else:
        next_step = _("Please pay %(total)s within %(minutes)s minutes, or the order is cancelled.")

    body = _("Thank you, %(name)s. We received your order %(number)s.") % {
        "name": order.buyer_name,
        "number": order.number,
    }
    body += " " + next_step % {"total": format_vnd(order.total), "minutes": settings.ORDER_PAYMENT_TIMEOUT_MINUTES}
    body += " " + _("Follow it here: %(link)s") % {"link": _link(order)}
    return Message(
        subject=_("Order %(number)s received") % {"number": order.number},
        body=body,
        email=order.buyer_email,
        phone=order.buyer_phone,
        tags=("order", "placed"),
    )


def _paid_message(order: Order) -> Message:
    body = _("We received %(total)s for order %(number)s. The stalls are preparing it. Follow it here: %(link)s") % {
        "total": format_vnd(order.total),
        "number": order.number,
        "link": _link(order),
    }
    return Message(
        subject=_("Order %(number)s paid") % {"number": order.number},
        body=body,
        email=order.buyer_email,
        phone=order.buyer_phone,
        tags=("order", "paid"),
    )


def _move(group: FulfilmentGroup, to: str, *, by=None, comment="") -> None:
    if to not in TRANSITIONS[group.status]:
        raise OrderError(
            _("This order part is “%(current)s”: it cannot become “%(to)s”.")
            % {"current": group.get_status_display(), "to": Status(to).label}
        )
    GroupStatusChange.objects.create(group=group, from_status=group.status, to_status=to, by=by, comment=comment)
    if Status.DELIVERED in (to, group.status):
        _count_sold(group, 1 if to == Status.DELIVERED else -1)
    group.status = to


def _count_sold(group: FulfilmentGroup, sign: int) -> None:
    """The products' "sold" counters follow the parts delivered (and a delivered part refunded):
    counted here, under the part's row lock every caller of ``_move`` holds, so once per move."""
    quantities: dict[int, int] = {}
    for product_id, quantity in group.lines.exclude(product=None).values_list("product_id", "quantity"):
        quantities[product_id] = quantities.get(product_id, 0) + sign * quantity
    product_sold_add(quantities=quantities)


EXPIRED_MARK = "expired"  # the comment of the status change made by the expiry job


def _expired_groups(groups: list[FulfilmentGroup]) -> list[FulfilmentGroup]:
    """The parts the expiry job cancelled (not those a stall cancelled itself)."""
    result = []
    for group in groups:
        last = group.status_changes.order_by("-pk").first()
        if group.status == Status.CANCELLED and last is not None and last.comment == EXPIRED_MARK:
            result.append(group)
    return result


def _try_rereserve(groups: list[FulfilmentGroup]) -> bool:
    """Payment arrived after the reservation was released: take the stock again if it is there."""
    try:
        with transaction.atomic():
            lines = OrderLine.objects.filter(group__in=groups).exclude(product=None)
            _reserve_lines((line.product_id, line.quantity, line.product_name) for line in lines)
    except CheckoutError:
        return False
    return True


def mark_paid(order: Order, *, payment: Payment, by=None) -> None:
    """The money arrived: idempotent (a second call changes nothing)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == Payment.Status.SUCCEEDED and order.payment_status in PAID_STATUSES:
            return
        now = timezone.now()
        payment.status = Payment.Status.SUCCEEDED
        payment.failure_message = ""
        if by is not None and payment.confirmed_by_id is None:
            payment.confirmed_by, payment.confirmed_at = by, now
        payment.save()
        if order.payment_status in PAID_STATUSES:
            return
        groups = list(order.groups.select_for_update().select_related("stall__producer").order_by("pk"))
        revived = False
        if order.stock_released_at is not None:
            # Paid late (after expiry): the order comes back if the stock is still there;
            # otherwise it stays cancelled, recorded as paid so that the money is refunded.
            expired = _expired_groups(groups)
            revived = bool(expired) and _try_rereserve(expired)
            if revived:
                order.stock_released_at = None
                order.cancel_reason = ""
                for group in expired:
                    if group.status == Status.CANCELLED:
                        GroupStatusChange.objects.create(
                            group=group,
                            from_status=group.status,
                            to_status=Status.PAID,
                            by=by,
                            comment="paid after expiry",
                        )
                        group.status = Status.PAID
                        group.cancel_reason = ""
                        group.save(update_fields=["status", "cancel_reason", "updated_at"])
            else:
                logger.warning("order %s paid after its stock was released: refund owed", order.number)
        order.payment_status = Order.PaymentStatus.PAID
        order.paid_at = now
        order.reserved_until = None
        order.save(
            update_fields=[
                "payment_status",
                "paid_at",
                "reserved_until",
                "stock_released_at",
                "cancel_reason",
                "updated_at",
            ]
        )
        for group in groups:
            if group.status == Status.PENDING_PAYMENT:
                _move(group, Status.PAID, by=by)
                group.save(update_fields=["status", "updated_at"])
            if group.status != Status.CANCELLED:
                settlement.record_sale(group, at=now)
        if order.stock_released_at is not None:
            # Paid for an order that stays cancelled: all of the money is owed back.
            _start_refund(payment, payment.amount, None, by, str(EXPIRED_REASON))
            return
        if order.payment_method != Order.PaymentMethod.COD:  # cash: the buyer was told at delivery
            notify_on_commit(_paid_message(order))


def mark_failed(order: Order, *, payment: Payment, message) -> None:
    """A payment attempt failed; the order stays payable until ``reserved_until``."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == Payment.Status.SUCCEEDED:
            return
        payment.status = Payment.Status.FAILED
        payment.failure_message = str(message)
        payment.save(update_fields=["status", "failure_message", "updated_at"])
        if order.payment_status in (Order.PaymentStatus.UNPAID, Order.PaymentStatus.AWAITING):
            order.payment_status = Order.PaymentStatus.FAILED
            order.save(update_fields=["payment_status", "updated_at"])


def _succeeded_payment(order: Order) -> Payment | None:
    return order.payments.filter(status=Payment.Status.SUCCEEDED).order_by("-pk").first()


def _start_refund(payment: Payment, amount: int, group: FulfilmentGroup | None, by, reason: str = ""):
    """A paid part is cancelled: the refund is owed from now on (and reversed in this month's
    ledger); a card refund is then sent through the provider after commit, a transfer waits for
    the account holder to send it and record its bank reference."""
    already = payment.refunds.exclude(status=Refund.Status.FAILED).aggregate(total=Sum("amount"))["total"] or 0
    amount = min(int(amount), int(payment.amount) - already)
    if amount <= 0:
        return None
    refund = refund_owed(payment, amount=amount, group=group, reason=reason, by=by)
    if payment.method == Order.PaymentMethod.CARD:

        def start():
            # A cycle: orders.payments imports this module.
            from .payments import send_card_refund

            try:
                send_card_refund(refund)
            except Exception:
                logger.exception("card refund %s could not be sent; it stays owed", refund.pk)

        transaction.on_commit(start)
    return refund


def _cancel_group_locked(group: FulfilmentGroup, *, reason: str, by=None, comment: str | None = None) -> None:
    _move(group, Status.CANCELLED, by=by, comment=reason if comment is None else comment)
    group.cancel_reason = reason
    group.save(update_fields=["status", "cancel_reason", "updated_at"])
    _release_group_stock(group)


def cancel_group(group: FulfilmentGroup, *, reason: str, by=None) -> None:
    """A stall cancels its part: stock back, and a card payment's share refunded."""
    reason = (reason or "").strip()
    if not reason:
        raise OrderError(_("Give the reason for cancelling: the buyer will see it."))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=group.order_id)
        group = FulfilmentGroup.objects.select_for_update().get(pk=group.pk)
        _cancel_group_locked(group, reason=reason, by=by)
        open_groups = order.groups.exclude(status__in=[Status.CANCELLED, Status.REFUNDED]).exists()
        if order.payment_status in PAID_STATUSES:
            payment = _succeeded_payment(order)
            if payment is not None:
                _start_refund(payment, group.total, group, by, reason)
                order.refresh_from_db(fields=["payment_status"])  # "refund owed" now
        elif not open_groups:
            order.payment_status = Order.PaymentStatus.CANCELLED
        else:
            # Not paid yet: the buyer now owes only the parts still on (what the payment step charges).
            remaining = order.groups.exclude(status__in=[Status.CANCELLED, Status.REFUNDED])
            sums = remaining.aggregate(subtotal=Sum("subtotal"), shipping=Sum("shipping_fee"))
            order.subtotal, order.shipping_total = sums["subtotal"] or 0, sums["shipping"] or 0
            order.total = order.subtotal + order.shipping_total
        if not open_groups:
            order.stock_released_at = timezone.now()
            order.cancel_reason = reason
        order.save(
            update_fields=[
                "payment_status",
                "stock_released_at",
                "cancel_reason",
                "subtotal",
                "shipping_total",
                "total",
                "updated_at",
            ]
        )
        notify_on_commit(_cancelled_message(order, group.stall.name, reason))


def _cancelled_message(order: Order, stall_name: str | None, reason: str) -> Message:
    if stall_name:
        body = _("%(stall)s cancelled its part of your order %(number)s: %(reason)s") % {
            "stall": stall_name,
            "number": order.number,
            "reason": reason,
        }
    else:
        body = _("Your order %(number)s was cancelled: %(reason)s") % {"number": order.number, "reason": reason}
    if order.payment_status in PAID_STATUSES:
        body += " " + _("The money you paid for it will be refunded.")
    return Message(
        subject=_("Order %(number)s cancelled") % {"number": order.number},
        body=body + " " + _link(order),
        email=order.buyer_email,
        phone=order.buyer_phone,
        tags=("order", "cancelled"),
    )


def cancel_order(order: Order, *, reason: str, by=None, notify=True) -> None:
    """Cancel every open part of the order, give the stock back, start the card refund."""
    reason = (reason or "").strip() or _("Cancelled.")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        groups = list(order.groups.select_for_update().select_related("stall").order_by("pk"))
        cancellable = [g for g in groups if Status.CANCELLED in TRANSITIONS[g.status]]
        if not cancellable:
            raise OrderError(_("This order can no longer be cancelled."))
        refund_amount = 0
        for group in cancellable:
            _cancel_group_locked(group, reason=reason, by=by)
            refund_amount += group.total
        open_groups = [g for g in groups if g.status not in (Status.CANCELLED, Status.REFUNDED)]
        if order.payment_status in PAID_STATUSES:
            payment = _succeeded_payment(order)
            if payment is not None:
                _start_refund(payment, refund_amount, cancellable[0] if len(cancellable) == 1 else None, by, reason)
                order.refresh_from_db(fields=["payment_status"])  # "refund owed" now
        else:
            order.payment_status = Order.PaymentStatus.CANCELLED
            order.reserved_until = None
        if not open_groups:
            order.stock_released_at = timezone.now()
        order.cancel_reason = reason
        order.save(
            update_fields=["payment_status", "reserved_until", "stock_released_at", "cancel_reason", "updated_at"]
        )
        if notify:
            notify_on_commit(_cancelled_message(order, None, reason))


def _refresh_pending_card_payments(order: Order) -> None:
    """Before expiring a card order, ask the provider whether a payment went through meanwhile."""
    if order.payment_method != Order.PaymentMethod.CARD:
        return
    from .payments import refresh_from_provider  # a cycle: orders.payments imports this module

    for payment in order.payments.filter(status=Payment.Status.PENDING).exclude(provider_id=None):
        try:
            refresh_from_provider(payment)
        except Exception:
            logger.exception("could not refresh payment %s before expiry", payment.pk)


EXPIRED_REASON = gettext_lazy("Not paid in time: the order was cancelled and the products put back on sale.")


def expired_reservations(now: datetime.datetime | None = None, *, product_ids=None):
    """Online orders still unpaid after ``reserved_until`` whose stock is still held."""
    orders = Order.objects.filter(
        payment_method__in=[Order.PaymentMethod.CARD, Order.PaymentMethod.VIETQR],
        payment_status__in=OPEN_PAYMENT_STATUSES,
        reserved_until__lt=now or timezone.now(),
        stock_released_at__isnull=True,
    )
    if product_ids is not None:
        orders = orders.filter(groups__lines__product_id__in=list(product_ids))
    return orders.order_by("pk").values_list("pk", flat=True).distinct()


def release_expired_reservations(
    now: datetime.datetime | None = None, *, product_ids=None, ask_provider: bool = True
) -> int:
    """Cancel online orders still unpaid after ``reserved_until``; their stock returns once.

    No scheduler is needed for the deadline to hold: checkout calls this (``product_ids``, and
    ``ask_provider=False``: no network call inside the checkout's transaction) for the products
    it is about to reserve, in its own transaction, and ``manage.py release_expired_reservations``
    runs it for every order; Celery beat only makes it sooner. A card payment that still lands
    after the release is handled by ``mark_paid`` (the order comes back, or a refund is owed).
    """
    now = now or timezone.now()
    released = 0
    for pk in list(expired_reservations(now, product_ids=product_ids)):
        if ask_provider:
            _refresh_pending_card_payments(Order.objects.get(pk=pk))
        with transaction.atomic():
            # In checkout, an order another transaction holds (being paid, or released by a
            # parallel checkout) is skipped rather than waited for.
            order = Order.objects.select_for_update(skip_locked=not ask_provider).filter(pk=pk).first()
            if order is None or (
                order.payment_status not in OPEN_PAYMENT_STATUSES
                or order.stock_released_at is not None
                or order.reserved_until is None
                or order.reserved_until >= now
            ):
                continue
            groups = list(order.groups.select_for_update().order_by("pk"))
            reason = str(EXPIRED_REASON)
            for group in groups:
                if Status.CANCELLED in TRANSITIONS[group.status]:
                    _cancel_group_locked(group, reason=reason, comment=EXPIRED_MARK)
            order.payment_status = Order.PaymentStatus.CANCELLED
            order.stock_released_at = now
            order.cancel_reason = reason
            order.save(update_fields=["payment_status", "stock_released_at", "cancel_reason", "updated_at"])
            Payment.objects.filter(order=order, status=Payment.Status.PENDING).update(status=Payment.Status.CANCELLED)
            notify_on_commit(_cancelled_message(order, None, reason))
            released += 1
    return released


def set_group_status(group: FulfilmentGroup, *, to: str, by=None, tracking_number: str = "") -> FulfilmentGroup:
    """The stall's moves: preparing, shipped (tracking number required), delivered."""
    if to not in STALL_MOVES:
        raise OrderError(_("Choose preparing, shipped or delivered."))
    tracking_number = (tracking_number or "").strip()
    with transaction.atomic():
        group = FulfilmentGroup.objects.select_for_update().select_related("order", "stall__producer").get(pk=group.pk)
        order = group.order
        if _waits_for_payment(group, to):
            raise OrderError(_("This order is not paid yet: wait for the payment before preparing it."))
        if to == Status.SHIPPED and not tracking_number:
            raise OrderError(_("Enter the tracking number of the parcel to mark it shipped."))
        _move(group, to, by=by, comment=tracking_number)
        fields = ["status", "updated_at"]
        if to == Status.SHIPPED:
            group.tracking_number = tracking_number
            fields.append("tracking_number")
        group.save(update_fields=fields)
        if to == Status.DELIVERED and group.collected_by == FulfilmentGroup.CollectedBy.COD:
            settlement.record_sale(group)
        if to in (Status.SHIPPED, Status.DELIVERED):
            notify_on_commit(_status_message(group))
    if to == Status.DELIVERED and order.payment_method == Order.PaymentMethod.COD:
        _cod_collected_if_all_delivered(order, by=by)
    return group


def _cod_collected_if_all_delivered(order: Order, *, by=None) -> None:
    """Cash on delivery: once every open part is delivered, the cash is in: the order is paid."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.payment_status in PAID_STATUSES:
            return
        statuses = set(order.groups.values_list("status", flat=True)) - {Status.CANCELLED, Status.REFUNDED}
        if statuses != {Status.DELIVERED}:
            return
        amount = order.groups.filter(status=Status.DELIVERED).aggregate(total=Sum("total"))["total"] or 0
        payment = Payment.objects.create(
            order=order,
            method=Order.PaymentMethod.COD,
            amount=amount,
            idempotency_key=uuid.uuid4().hex,
            confirmed_by=by if getattr(by, "is_authenticated", False) else None,
            confirmed_at=timezone.now(),
        )
        mark_paid(order, payment=payment, by=by)


def _status_message(group: FulfilmentGroup) -> Message:
    order = group.order
    if group.status == Status.SHIPPED:
        body = _("%(stall)s shipped its part of your order %(number)s. Tracking number: %(tracking)s.") % {
            "stall": group.stall.name,
            "number": order.number,
            "tracking": group.tracking_number,
        }
    else:
        body = _("%(stall)s marked its part of your order %(number)s delivered.") % {
            "stall": group.stall.name,
            "number": order.number,
        }
    return Message(
        subject=_("Order %(number)s") % {"number": order.number},
        body=body + " " + _link(order),
        email=order.buyer_email,
        phone=order.buyer_phone,
        tags=("order", group.status),
    )


def refund_owed(
    payment: Payment, *, amount: int, group: FulfilmentGroup | None = None, reason: str = "", by=None
) -> Refund:
    """Money to give back: a Refund owed (PENDING), the sale and its tax reversed in this month's
    ledger, and the order marked "refund owed" until every refund is sent."""
    amount = int(amount)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=payment.order_id)  # order first, then payment
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != Payment.Status.SUCCEEDED:
            raise OrderError(_("Only a received payment can be refunded."))
        if amount <= 0:
            raise OrderError(_("The refund amount must be more than 0 ₫."))
        already = payment.refunds.exclude(status=Refund.Status.FAILED).aggregate(total=Sum("amount"))["total"] or 0
        if already + amount > payment.amount:
            raise OrderError(
                _("At most %(left)s ₫ of this payment can still be refunded.") % {"left": payment.amount - already}
            )
        refund = Refund.objects.create(
            payment=payment,
            group=group,
            amount=amount,
            reason=reason,
            status=Refund.Status.PENDING,
            method=payment.method,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        _refund_ledger(order, refund, amount, group)
        _set_refund_status(order, payment)
    return refund


def refund_sent(refund: Refund, *, provider_id: str | None = None, bank_reference: str = "", by=None) -> Refund:
    """The money of an owed refund went back (the provider's refund, or a transfer). Idempotent."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=refund.payment.order_id)
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status == Refund.Status.SUCCEEDED:
            return refund
        refund.status = Refund.Status.SUCCEEDED
        refund.sent_at = timezone.now()
        refund.sent_by = by if getattr(by, "is_authenticated", False) else None
        refund.provider_id = provider_id or refund.provider_id
        refund.bank_reference = (bank_reference or "").strip()[:100]
        refund.save()
        if not payment.refunds.filter(status=Refund.Status.PENDING).exists():
            for target in order.groups.select_for_update().order_by("pk"):
                covered = settlement.reversed_amount(target)
                sold = target.ledger.filter(kind="sale").exists()
                if sold and covered >= target.total and Status.REFUNDED in TRANSITIONS[target.status]:
                    _move(target, Status.REFUNDED, by=by, comment=refund.reason)
                    target.save(update_fields=["status", "updated_at"])
        _set_refund_status(order, payment)
    return refund


def _set_refund_status(order: Order, payment: Payment) -> None:
    refunds = payment.refunds.exclude(status=Refund.Status.FAILED)
    sent = refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(total=Sum("amount"))["total"] or 0
    if refunds.filter(status=Refund.Status.PENDING).exists():
        order.payment_status = Order.PaymentStatus.REFUND_DUE
    elif sent >= payment.amount:
        order.payment_status = Order.PaymentStatus.REFUNDED
    elif sent:
        order.payment_status = Order.PaymentStatus.PARTIALLY_REFUNDED
    else:
        return
    order.save(update_fields=["payment_status", "updated_at"])


def record_refund(
    payment: Payment,
    *,
    amount: int,
    group: FulfilmentGroup | None = None,
    provider_id: str | None = None,
    reason: str = "",
    by=None,
    refund_id: int | None = None,
) -> Refund:
    """Money given back (through the provider or by hand): idempotent by ``provider_id``; an
    owed refund named by ``refund_id`` (the provider's metadata) is marked sent, not doubled."""
    with transaction.atomic():
        existing = None
        if provider_id:
            existing = Refund.objects.filter(provider_id=provider_id).first()
        if existing is None and refund_id:
            existing = Refund.objects.filter(pk=refund_id, payment=payment).first()
        if existing is None:
            existing = refund_owed(payment, amount=amount, group=group, reason=reason, by=by)
        return refund_sent(existing, provider_id=provider_id, by=by)


def _refund_ledger(order: Order, refund: Refund, amount: int, group: FulfilmentGroup | None) -> None:
    """Reverse ``amount`` of the parts' sales (this month): the named part, or the parts in order."""
    groups = list(order.groups.select_for_update().select_related("stall__producer").order_by("pk"))
    targets = [g for g in groups if g.pk == group.pk] if group is not None else groups
    remaining = amount
    for target in targets:
        if not target.ledger.filter(kind="sale").exists():
            continue  # never counted as a sale (cancelled before the money came): nothing to reverse
        refunded_before = settlement.reversed_amount(target)
        share = min(remaining, max(target.total - refunded_before, 0)) if group is None else remaining
        if share <= 0:
            continue
        settlement.record_refund_entries(target, share, refund=refund)
        remaining -= share
        if remaining <= 0:
            break

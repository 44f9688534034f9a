"""Payments: card (a Stripe-compatible API), VietQR bank transfer, cash on delivery; refunds.

The money side of an order changes only through ``orders.services`` (``mark_paid``,
``mark_failed``, ``record_refund``); this module talks to the provider, decides what a
provider's answer means, and calls those services. The buyer's browser is never trusted:
an order is paid when the provider says so (the confirm answer, a signed webhook, or a
retrieve of the PaymentIntent), or when a person confirms a transfer or cash.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import roles
from core.money import format_vnd
from core.text import fold
from producers.models import Stall

from . import services, vietqr
from .models import FulfilmentGroup, Order, Payment, Refund
from .stripe import CURRENCY, StripeClient, StripeError, message_for_code

logger = logging.getLogger(__name__)


class PaymentError(Exception):
    """A payment step that cannot be done; ``message`` is shown to the person as it is."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


# Card ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TestCard:
    key: str
    payment_method: str  # a test PaymentMethod id known to Stripe and to localstripe
    label: Any
    hint: Any


# pm_card_chargeCustomerFail is the card 4000 0000 0000 0341: it attaches, and its charge is declined.
TEST_CARDS = (
    TestCard(
        "success",
        "pm_card_visa",
        gettext_lazy("Test card that is accepted"),
        gettext_lazy("Visa 4242 4242 4242 4242: the payment succeeds."),
    ),
    TestCard(
        "declined",
        "pm_card_chargeCustomerFail",
        gettext_lazy("Test card that is declined"),
        gettext_lazy("Visa 4000 0000 0000 0341: the bank declines the payment."),
    ),
)
TEST_CARDS_BY_KEY = {card.key: card for card in TEST_CARDS}

AVAILABILITY_CACHE_SECONDS = (30, 10)  # (when it answered, when it did not)


def card_payments_available() -> bool:
    """Whether a Stripe-compatible server answers with our key (probed at most every few seconds)."""
    if not settings.STRIPE_SECRET_KEY or not settings.STRIPE_API_BASE:
        return False
    key = f"orders:stripe-available:{settings.STRIPE_API_BASE}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    available = StripeClient(retries=0).ping(timeout=settings.STRIPE_PING_TIMEOUT)
    cache.set(key, available, AVAILABILITY_CACHE_SECONDS[0 if available else 1])
    return available


def _models():
    return Order, Payment, Refund, FulfilmentGroup


def card_element_configured() -> bool:
    """Real cards: Stripe.js (from ``STRIPE_JS_URL``) with the publishable key."""
    return bool(settings.STRIPE_PUBLISHABLE_KEY and settings.STRIPE_JS_URL)


def card_test_mode() -> bool:
    """The test-card shortcut exists only while a test key (``sk_test_…``) is configured."""
    return str(settings.STRIPE_SECRET_KEY or "").startswith("sk_test_")


def _check_card_payable(order) -> None:
    Order, _Payment, _Refund, _Group = _models()
    if order.payment_method != Order.PaymentMethod.CARD:
        raise PaymentError(_("This order is not paid by card."))
    if order.payment_status in (
        Order.PaymentStatus.PAID,
        Order.PaymentStatus.PARTIALLY_REFUNDED,
        Order.PaymentStatus.REFUNDED,
        Order.PaymentStatus.REFUND_DUE,
    ):
        raise PaymentError(_("This order is already paid."))
    if not order.is_payable:
        raise PaymentError(_("This order can no longer be paid: it was cancelled or its reservation expired."))


def _attempt_key(order, attempt: int) -> str:
    """The idempotency key of the ``attempt``-th card payment of ``order``: a retried create of
    the same attempt is the same PaymentIntent at the provider, never a second one."""
    return f"{order.number}-card-{attempt}"


def pending_card_payment(order):
    """The card payment being made for ``order`` (the caller holds the order's lock, or this
    takes it): the open attempt is reused; a new one is created only when none is open.

    Raises :class:`PaymentError` when a card payment of the order already succeeded.
    """
    Order, Payment, _Refund, _Group = _models()
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        attempts = locked.payments.filter(method=Order.PaymentMethod.CARD)
        if attempts.filter(status=Payment.Status.SUCCEEDED).exists():
            raise PaymentError(_("This order is already paid."))
        payment = attempts.filter(status=Payment.Status.PENDING).order_by("-created_at", "-pk").first()
        if payment is not None and payment.amount != locked.total and not payment.provider_id:
            # The order changed before anything was sent (a stall cancelled its part): a new attempt.
            payment.status = Payment.Status.CANCELLED
            payment.save(update_fields=["status", "updated_at"])
            payment = None
        if payment is None:
            payment = Payment.objects.create(
                order=locked,
                method=Order.PaymentMethod.CARD,
                amount=locked.total,
                idempotency_key=_attempt_key(locked, attempts.count() + 1),
            )
    return payment


def _ensure_intent(client: StripeClient, payment) -> dict:
    """The PaymentIntent of ``payment``: created once (the row is locked meanwhile), then retrieved."""
    _Order, Payment, _Refund, _Group = _models()
    with transaction.atomic():
        locked = Payment.objects.select_for_update().select_related("order").get(pk=payment.pk)
        if locked.provider_id:
            intent = client.retrieve_payment_intent(locked.provider_id)
        else:
            intent = client.create_payment_intent(
                amount=int(locked.amount),
                currency=CURRENCY,
                idempotency_key=locked.idempotency_key,
                metadata={"order": locked.order.number, "payment": str(locked.pk)},
            )
            locked.provider_id = intent["id"]
            locked.save(update_fields=["provider_id", "updated_at"])
    payment.provider_id = intent["id"]
    return intent


def open_card_attempt(order, client: StripeClient | None = None):
    """Start (or resume) paying ``order`` by card: ``(payment, intent)``.

    Everything happens under the order's row lock: the checks (paid, being paid, payable), the
    choice of the attempt (the open one is reused) and the creation of its PaymentIntent. Two
    requests for the same order therefore share one attempt and one intent; an order that is
    paid gets none. Raises :class:`PaymentError`, or :class:`StripeError` from the provider.
    """
    Order, Payment, _Refund, _Group = _models()
    client = client or StripeClient()
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        _check_card_payable(locked)
        payment = pending_card_payment(locked)
        if payment.amount != locked.total:
            # An intent for the old amount: only what the provider says about it counts now.
            intent = client.retrieve_payment_intent(payment.provider_id)
            if intent.get("status") == "succeeded":
                apply_intent(payment, intent)
                raise PaymentError(_("This order is already paid."))
            if intent.get("status") not in ("canceled", "processing"):
                client.cancel_payment_intent(payment.provider_id)
            payment.status = Payment.Status.CANCELLED
            payment.save(update_fields=["status", "updated_at"])
            payment = pending_card_payment(locked)
        intent = _ensure_intent(client, payment)
    return payment, intent


CHECKING_MESSAGE = gettext_lazy(
    "We sent your payment to the card provider but did not get its answer. Your card may have been "
    "charged: do not pay again or choose another method. This page shows the result as soon as the "
    "provider confirms it."
)


CARD_SOURCE_RE = re.compile(r"(card|pm)_[A-Za-z0-9]{6,64}")


def pay_with_card(order, card_id: str):
    """Pay ``order`` with the card the buyer typed into Stripe.js: ``card_id`` is the id of the
    card (``card_…`` from a token, or ``pm_…``) that the provider returned to the browser; the
    number itself never reaches this server. Returns ``(payment, client_secret)``: the secret is
    set when the bank asks for 3-D Secure (``requires_action``), for Stripe.js to handle."""
    card_id = (card_id or "").strip()
    if not CARD_SOURCE_RE.fullmatch(card_id):
        raise PaymentError(_("The card could not be read. Enter it again."))
    return _confirm_attempt(order, card_id, allow_action=True)


def start_card_payment(order, test_card: str):
    """Pay ``order`` with one of :data:`TEST_CARDS` (test keys only); returns the Payment.

    The attempt and its PaymentIntent come from :func:`open_card_attempt` (the order's lock);
    the card is then attached and confirmed under the payment's row lock, so a second request
    for the same order waits and finds the payment done. A declined card marks the payment
    failed; a lost answer leaves it pending and marked "being checked" (a retrieve or the
    webhook settles it) and raises :class:`PaymentError` saying so.
    """
    Order, Payment, _Refund, _Group = _models()
    if not card_test_mode():
        raise PaymentError(_("Test cards can be used only while the site runs with a test key."))
    card = TEST_CARDS_BY_KEY.get(test_card)
    if card is None:
        raise PaymentError(_("Choose one of the test cards."))
    payment, _secret = _confirm_attempt(order, card.payment_method, allow_action=False)
    return payment


def _confirm_attempt(order, payment_method: str, *, allow_action: bool):
    Order, Payment, _Refund, _Group = _models()
    order.refresh_from_db()
    _check_card_payable(order)
    if not card_payments_available():
        raise PaymentError(_("Card payments are not available right now. Pay by bank transfer or cash on delivery."))
    client = StripeClient()
    try:
        payment, _intent = open_card_attempt(order, client)
    except StripeError as exc:
        # Nothing was confirmed: the card cannot have been charged.
        logger.warning("card payment of %s could not start: %s", order.number, exc)
        raise PaymentError(exc.user_message) from exc
    lost = None
    with transaction.atomic():
        # Locks are always taken order first, then payment (as mark_paid does): never a deadlock.
        Order.objects.select_for_update().get(pk=order.pk)
        locked = Payment.objects.select_for_update().select_related("order").get(pk=payment.pk)
        if locked.status == Payment.Status.SUCCEEDED:
            raise PaymentError(_("This order is already paid."))
        if locked.status != Payment.Status.PENDING:
            return locked, ""
        confirm_sent = False
        try:
            intent = client.retrieve_payment_intent(locked.provider_id)
            if intent.get("status") == "requires_payment_method" and not intent.get("last_payment_error"):
                intent = client.update_payment_intent(intent["id"], payment_method=payment_method)
            if intent.get("status") == "requires_confirmation":
                confirm_sent = True
                intent = client.confirm_payment_intent(intent["id"])
        except StripeError as exc:
            if exc.is_card_error:
                # Declined: the provider's own record says so.
                services.mark_failed(locked.order, payment=locked, message=exc.user_message)
                return _reload(locked), ""
            if exc.status == 400:
                # Confirmed already: what the intent says now is the answer.
                try:
                    intent = client.retrieve_payment_intent(locked.provider_id)
                except StripeError:
                    intent = None
            else:
                intent = None
            if intent is None:
                if not confirm_sent:
                    raise PaymentError(exc.user_message) from exc
                # The confirm was sent and its answer lost: the card may have been charged.
                logger.warning("card payment of %s: answer lost (%s)", order.number, exc)
                locked.outcome_unknown_since = timezone.now()
                locked.save(update_fields=["outcome_unknown_since", "updated_at"])
                lost = exc
        if lost is None:
            if intent.get("status") == "requires_action" and allow_action:
                # 3-D Secure: the bank's check runs in the buyer's browser (Stripe.js), then a
                # retrieve or the webhook tells the outcome.
                return locked, str(intent.get("client_secret") or "")
            if intent.get("status") == "requires_action":
                # 3-D Secure needs the provider's JavaScript (the card form); the test-card form has none.
                try:
                    intent = client.cancel_payment_intent(intent["id"])
                except StripeError:
                    logger.warning("could not cancel %s", intent.get("id"))
                services.mark_failed(locked.order, payment=locked, message=message_for_code("authentication_required"))
                return _reload(locked), ""
            apply_intent(locked, intent)
    if lost is not None:
        raise PaymentError(CHECKING_MESSAGE) from lost
    return _reload(payment), ""


def _reload(payment):
    payment.refresh_from_db()
    return payment


def _fail(payment, message: str) -> None:
    Order, Payment, _Refund, _Group = _models()
    with transaction.atomic():
        Order.objects.select_for_update().get(pk=payment.order_id)
        locked = Payment.objects.select_for_update().select_related("order").get(pk=payment.pk)
        if locked.status == Payment.Status.PENDING:
            services.mark_failed(locked.order, payment=locked, message=str(message))


def apply_intent(payment, intent: dict) -> None:
    """Record what a PaymentIntent (from the API or a signed event) says about ``payment``."""
    Order, Payment, _Refund, _Group = _models()
    with transaction.atomic():
        Order.objects.select_for_update().get(pk=payment.order_id)  # order first, then payment
        locked = Payment.objects.select_for_update().select_related("order").get(pk=payment.pk)
        if intent.get("id") != locked.provider_id:
            logger.error("intent %s does not belong to payment %s", intent.get("id"), locked.pk)
            return
        status = intent.get("status")
        if locked.outcome_unknown_since is not None and status != "processing":
            # The provider answered: the outcome is known again (whatever follows records it).
            locked.outcome_unknown_since = None
            locked.save(update_fields=["outcome_unknown_since", "updated_at"])
        if status == "succeeded":
            if intent.get("amount") != locked.amount or str(intent.get("currency", "")).lower() != CURRENCY:
                logger.error(
                    "intent %s: %s %s does not match payment %s (%s VND); not marked paid",
                    intent.get("id"),
                    intent.get("amount"),
                    intent.get("currency"),
                    locked.pk,
                    locked.amount,
                )
                return
            if locked.status != Payment.Status.SUCCEEDED:
                # Money was taken: even a payment we had marked failed is paid now.
                services.mark_paid(locked.order, payment=locked)
        elif status == "canceled":
            if locked.status == Payment.Status.PENDING:
                locked.status = Payment.Status.CANCELLED
                locked.save(update_fields=["status", "updated_at"])
        elif (
            status == "requires_payment_method"
            and intent.get("last_payment_error")
            and locked.status == Payment.Status.PENDING
        ):
            error = intent.get("last_payment_error") or {}
            code = error.get("decline_code") or error.get("code") or ""
            services.mark_failed(locked.order, payment=locked, message=message_for_code(code))


def refresh_from_provider(payment):
    """Ask the provider what became of a pending card payment; returns the payment (reloaded)."""
    _Order, Payment, _Refund, _Group = _models()
    if payment.method != "card" or not payment.provider_id or payment.status != Payment.Status.PENDING:
        return payment
    try:
        intent = StripeClient(retries=0).retrieve_payment_intent(payment.provider_id)
    except StripeError as exc:
        logger.info("could not refresh payment %s: %s", payment.pk, exc)
        return payment
    apply_intent(payment, intent)
    return _reload(payment)


def refresh_order(order) -> None:
    """Refresh every pending card payment of ``order`` (for the order page)."""
    _Order, Payment, _Refund, _Group = _models()
    for payment in order.payments.filter(method="card", status=Payment.Status.PENDING).exclude(provider_id=None):
        refresh_from_provider(payment)


# Webhook events (called by orders.webhooks inside the transaction that records the event) ----


def apply_payment_intent(obj: dict) -> None:
    _Order, Payment, _Refund, _Group = _models()
    payment = Payment.objects.filter(provider_id=obj.get("id")).first()
    if payment is None:
        logger.warning("event for unknown payment intent %s", obj.get("id"))
        return
    apply_intent(payment, obj)


class RetryLater(Exception):
    """The event cannot be applied now (the provider did not answer): answer 5xx, it is sent again."""


def apply_charge_refunded(charge: dict) -> None:
    """Record every succeeded refund of the charge not yet recorded (idempotent by refund id)."""
    _Order, Payment, Refund, FulfilmentGroup = _models()
    payment = Payment.objects.filter(provider_id=charge.get("payment_intent")).first()
    if payment is None:
        logger.warning("charge.refunded for unknown payment intent %s", charge.get("payment_intent"))
        return
    refunds = (charge.get("refunds") or {}).get("data") if isinstance(charge.get("refunds"), dict) else None
    if refunds is None:
        try:
            refunds = StripeClient().list_refunds(charge=charge["id"])
        except StripeError as exc:
            raise RetryLater(str(exc)) from exc
    known = set(Refund.objects.filter(payment=payment).exclude(provider_id=None).values_list("provider_id", flat=True))
    for refund in refunds:
        if refund.get("status") not in ("succeeded", "pending") or refund.get("id") in known:
            continue
        metadata = refund.get("metadata") or {}
        group = None
        if str(metadata.get("group", "")).isdigit():
            group = FulfilmentGroup.objects.filter(pk=int(metadata["group"]), order_id=payment.order_id).first()
        services.record_refund(
            payment,
            amount=int(refund["amount"]),
            group=group,
            provider_id=refund["id"],
            reason=str(metadata.get("reason", ""))[:300],
            refund_id=int(metadata["refund"]) if str(metadata.get("refund", "")).isdigit() else None,
        )


# Refunds ----------------------------------------------------------------------------------------


def refunded_amount(payment, group=None) -> int:
    _Order, _Payment, Refund, _Group = _models()
    refunds = Refund.objects.filter(payment=payment).exclude(status=Refund.Status.FAILED)
    if group is not None:
        refunds = refunds.filter(group=group)
    return int(refunds.aggregate(total=Sum("amount"))["total"] or 0)


def refundable_amount(payment, group=None) -> int:
    left = int(payment.amount) - refunded_amount(payment)
    if group is not None:
        left = min(left, int(group.total) - refunded_amount(payment, group))
    return max(0, left)


def refund_payment(payment, amount, group=None, by=None, reason: str = ""):
    """Refund ``amount`` đồng of a succeeded payment (all of it when ``amount`` is None).

    Card payments are refunded through the API (with an idempotency key, so a double click
    refunds once); VietQR and cash refunds are paid back by hand and recorded here.
    """
    Order, Payment, _Refund, _Group = _models()
    with transaction.atomic():
        Order.objects.select_for_update().get(pk=payment.order_id)  # order first, then payment
        locked = Payment.objects.select_for_update().select_related("order").get(pk=payment.pk)
        if locked.status != Payment.Status.SUCCEEDED:
            raise PaymentError(_("Only a received payment can be refunded."))
        if group is not None and group.order_id != locked.order_id:
            raise PaymentError(_("This stall's part does not belong to the order."))
        left = refundable_amount(locked, group)
        if amount is None:
            amount = left
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise PaymentError(_("Enter an amount of at least 1 ₫."))
        if amount > left:
            raise PaymentError(
                _("You can refund at most %(amount)s for this payment.") % {"amount": format_vnd(left)}
                if left
                else _("This payment has been refunded in full already.")
            )
        provider_id = None
        if locked.method == "card":
            if not locked.provider_id:
                raise PaymentError(_("This card payment has no provider record; it cannot be refunded online."))
            # Same payment, same count of earlier refunds, same amount: the same key (a retry, not a new refund).
            key = f"refund-{locked.idempotency_key}-{locked.refunds.count()}-{amount}"
            metadata = {"order": locked.order.number, "reason": (reason or "")[:200]}
            if group is not None:
                metadata["group"] = str(group.pk)
            try:
                refund = StripeClient().create_refund(
                    payment_intent=locked.provider_id, amount=amount, idempotency_key=key, metadata=metadata
                )
            except StripeError as exc:
                logger.warning("refund of payment %s failed: %s", locked.pk, exc)
                raise PaymentError(
                    _("The card refund could not be made: %(reason)s")
                    % {"reason": exc.user_message if exc.status is None else exc.message}
                ) from exc
            if refund.get("status") not in ("succeeded", "pending"):
                raise PaymentError(_("The card provider refused the refund."))
            provider_id = refund["id"]
            return services.record_refund(
                locked, amount=amount, group=group, provider_id=provider_id, reason=reason or "", by=by
            )
        # A transfer or cash: owed until the account holder sends it back (mark_refund_sent).
        return services.refund_owed(locked, amount=amount, group=group, reason=reason or "", by=by)


def send_card_refund(refund):
    """Send an owed card refund through the provider (idempotency key from the refund); it stays
    owed, listed for finance, when the provider does not answer."""
    _Order, _Payment, Refund, _Group = _models()
    refund = Refund.objects.select_related("payment__order", "group").get(pk=refund.pk)
    if refund.status != Refund.Status.PENDING or refund.payment.method != "card" or not refund.payment.provider_id:
        return refund
    metadata = {"order": refund.payment.order.number, "refund": str(refund.pk), "reason": refund.reason[:200]}
    if refund.group_id:
        metadata["group"] = str(refund.group_id)
    try:
        answer = StripeClient().create_refund(
            payment_intent=refund.payment.provider_id,
            amount=int(refund.amount),
            idempotency_key=f"refund-{refund.payment.idempotency_key}-{refund.pk}",
            metadata=metadata,
        )
    except StripeError as exc:
        logger.warning("card refund %s not sent: %s", refund.pk, exc)
        return refund
    if answer.get("status") not in ("succeeded", "pending"):
        logger.warning("card refund %s refused by the provider: %s", refund.pk, answer.get("status"))
        return refund
    return services.refund_sent(refund, provider_id=answer["id"])


def mark_refund_sent(refund, *, by, bank_reference: str):
    """The account holder sent an owed transfer refund back: recorded with the bank's reference."""
    _Order, _Payment, Refund, _Group = _models()
    refund = Refund.objects.select_related("payment__order").get(pk=refund.pk)
    if not may_confirm_received(by, refund.payment.order):
        raise PaymentError(
            _("Only the holder of the account that received this money can record its refund: platform finance staff.")
        )
    if refund.payment.method == "card":
        raise PaymentError(_("Card refunds are sent through the card provider, not by hand."))
    if refund.status == Refund.Status.SUCCEEDED:
        return refund
    bank_reference = (bank_reference or "").strip()
    if not bank_reference:
        raise PaymentError(_("Enter the bank's reference of the transfer back to the buyer."))
    return services.refund_sent(refund, bank_reference=bank_reference, by=by)


# VietQR and cash ----------------------------------------------------------------------------------


def vietqr_payload(order_or_group) -> str:
    """The VietQR payload for an order, or for one stall's part of it."""
    _Order, _Payment, _Refund, FulfilmentGroup = _models()
    if isinstance(order_or_group, FulfilmentGroup):
        return vietqr.payload_for(order_or_group.order, order_or_group)
    return vietqr.payload_for(order_or_group)


def vietqr_svg(payload: str) -> str:
    return vietqr.render_svg(payload)


def mark_transfer_received(order, *, by, note: str = "", from_bank: bool = False):
    """The transfer (or the cash) arrived: the order is paid. Idempotent; returns the Payment.

    ``by`` is the person who saw it, and must hold the account (:func:`may_confirm_received`);
    ``from_bank`` is the bank's own signed notification (no person).
    """
    Order, Payment, _Refund, _Group = _models()
    if not from_bank and not may_confirm_received(by, order):
        raise PaymentError(
            _("Only the holder of the account that received this money can confirm it: platform finance staff.")
        )
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        done = locked.payments.filter(status=Payment.Status.SUCCEEDED).first()
        if done is not None:
            return done
        if locked.payment_method == Order.PaymentMethod.CARD:
            raise PaymentError(_("Card payments are confirmed by the card provider, not by hand."))
        # A transfer that arrives after the order expired is still money received: mark_paid takes
        # the stock again when it is there, or keeps the order cancelled (and the money is refunded).
        payment = (
            locked.payments.filter(method=locked.payment_method, status=Payment.Status.PENDING)
            .order_by("-created_at", "-pk")
            .first()
        )
        if payment is None:
            payment = Payment.objects.create(
                order=locked, method=locked.payment_method, amount=locked.total, idempotency_key=uuid.uuid4().hex
            )
        payment.confirmed_by = by if getattr(by, "is_authenticated", False) else None
        payment.confirmed_at = timezone.now()
        payment.save(update_fields=["confirmed_by", "confirmed_at", "updated_at"])
        services.mark_paid(locked, payment=payment, by=by)
        payment.refresh_from_db()
        return payment


# Who may do what (the roles themselves: core/roles.py) --------------------------------------------


def manageable_orders(user):
    """Orders whose payments the user may see and refund: staff all; others every stall part theirs."""
    Order, _Payment, _Refund, FulfilmentGroup = _models()

    if not user.is_authenticated:
        return Order.objects.none()
    if roles.is_platform_staff(user):
        return Order.objects.all()
    stalls = Stall.objects.visible_to(user).values("pk")
    others = FulfilmentGroup.objects.exclude(stall__in=stalls).values("order_id")
    return Order.objects.filter(groups__stall__in=stalls).exclude(pk__in=others).distinct()


def confirmable_orders(user):
    """Orders whose money the user may mark received: only the party that holds the account.

    Money collected by the platform (card, VietQR to the platform's account): finance staff.
    Money collected by the stalls (a transfer to the stall's own account, cash): the stall's
    people (owner, the officers serving it), when every part of the order is theirs.
    """
    Order, _Payment, _Refund, FulfilmentGroup = _models()

    if user is None or not user.is_authenticated:
        return Order.objects.none()
    platform = FulfilmentGroup.objects.filter(collected_by=FulfilmentGroup.CollectedBy.PLATFORM).values("order_id")
    stalls = Stall.objects.visible_to(user).values("pk")
    others = FulfilmentGroup.objects.exclude(stall__in=stalls).values("order_id")
    by_stall = Q(groups__stall__in=stalls) & ~Q(pk__in=others) & ~Q(pk__in=platform)
    condition = (Q(pk__in=platform) | by_stall) if roles.is_finance(user) else by_stall
    return Order.objects.filter(condition).distinct()


def may_confirm_received(user, order) -> bool:
    return confirmable_orders(user).filter(pk=order.pk).exists()


def manageable_groups(user, order):
    """The stall parts of ``order`` the user may refund."""

    groups = order.groups.select_related("stall")
    if roles.is_platform_staff(user):
        return groups
    return groups.filter(stall__in=Stall.objects.visible_to(user).values("pk"))


# Bank statements --------------------------------------------------------------------------------

AMOUNT_HEADERS = {
    "amount",
    "so tien",
    "so tien ghi co",
    "ghi co",
    "credit",
    "credit amount",
    "tien vao",
    "so tien vao",
    "so tien giao dich",
    "phat sinh co",
    "so tien phat sinh",
    "transaction amount",
}
TEXT_HEADERS = {
    "description",
    "noi dung",
    "noi dung chi tiet",
    "chi tiet giao dich",
    "noi dung giao dich chi tiet",
    "transaction details",
    "transaction description",
    "noi dung chuyen khoan",
    "noi dung giao dich",
    "content",
    "dien giai",
    "mo ta",
    "details",
    "reference",
    "remark",
    "remarks",
}
DATE_HEADERS = {"date", "ngay", "ngay giao dich", "transaction date", "ngay gd"}
NUMBER_RE = re.compile(r"OCOP\W{0,3}(\d{4})\W{0,3}(\d{6})", re.IGNORECASE)
MAX_STATEMENT_LINES = 5000


@dataclass
class StatementLine:
    line: int
    date: str
    amount: int | None
    text: str
    outcome: str  # matched, already_paid, mismatch, unknown, cancelled, unreadable
    order: Any = None
    expected: int | None = None
    note: str = ""


@dataclass
class StatementReport:
    lines: list[StatementLine] = field(default_factory=list)
    error: str = ""

    def of(self, outcome: str) -> list[StatementLine]:
        return [line for line in self.lines if line.outcome == outcome]

    @property
    def matched(self):
        return self.of("matched")

    @property
    def already_paid(self):
        return self.of("already_paid")

    @property
    def mismatches(self):
        return self.of("mismatch")

    @property
    def unknown(self):
        return self.of("unknown") + self.of("unreadable")

    @property
    def cancelled(self):
        return self.of("cancelled")


def parse_amount(text: str) -> int | None:
    """``1.250.000``, ``1,250,000``, ``1250000``, ``1250000.00``, ``1.250.000 VND`` → 1250000."""
    value = re.sub(r"(?i)\s|vnd|vnđ|đ|₫", "", text or "")
    # Signed: "+110.750" is money in, "-50.000" (or "(50.000)") money out.
    sign = 1
    if value.startswith(("+", "-")):
        sign, value = (-1 if value[0] == "-" else 1), value[1:]
    elif value.startswith("(") and value.endswith(")"):
        sign, value = -1, value[1:-1]
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", value):
        return sign * int(re.sub(r"[.,]", "", value))
    match = re.fullmatch(r"(\d+)([.,]0{1,2})?", value)
    if match:
        return sign * int(match.group(1))
    return None


def _column(headers: list[str], names: set[str]) -> int | None:
    for index, header in enumerate(headers):
        # "Số tiền (VND)", "Nội dung chi tiết:", "Ghi có*": the name without unit, punctuation or case.
        name = re.sub(r"\(.*?\)|\[.*?\]", "", fold(header).lower())
        name = re.sub(r"[^a-z0-9]+", " ", name).strip()
        if name in names:
            return index
    return None


def _compact(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", fold(text).upper())


def match_bank_statement(csv_file, *, by) -> StatementReport:
    """Read a bank statement (CSV with a header row) and confirm the transfers it shows.

    Each credit line is matched to an order by its payment reference or order number in the
    description, then by amount: equal amount → the order is marked paid; a different amount
    is reported and changes nothing; a line naming no order the person may manage is unknown.
    """
    Order, _Payment, _Refund, _Group = _models()
    report = StatementReport()
    raw = csv_file.read()
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            report.error = _("The file is not UTF-8 text. Save the statement as “CSV UTF-8” and upload it again.")
            return report
    else:
        text = raw
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        report.error = _("The file is empty.")
        return report
    headers = rows[0]
    amount_col, text_col, date_col = (
        _column(headers, AMOUNT_HEADERS),
        _column(headers, TEXT_HEADERS),
        _column(headers, DATE_HEADERS),
    )
    if amount_col is None or text_col is None:
        report.error = _(
            "The first line must name the columns, with one for the amount (“Amount” or “Số tiền”) and one for "
            "the description (“Description” or “Nội dung”)."
        )
        return report
    if len(rows) - 1 > MAX_STATEMENT_LINES:
        report.error = _("The statement has more than %(count)s lines. Split it into smaller files.") % {
            "count": MAX_STATEMENT_LINES
        }
        return report

    def cell(row, index):
        return row[index].strip() if index is not None and index < len(row) else ""

    parsed = []
    references, numbers = set(), set()
    for number, row in enumerate(rows[1:], start=2):
        description = cell(row, text_col)
        compact = _compact(description)
        tokens = set(re.findall(r"[A-Z0-9]{6,19}", fold(description).upper()))
        found = {f"OCOP-{y}-{n}" for y, n in NUMBER_RE.findall(description)}
        references |= tokens | {n.replace("-", "") for n in found}
        numbers |= found
        parsed.append((number, cell(row, date_col), parse_amount(cell(row, amount_col)), description, compact))

    candidates = list(
        confirmable_orders(by).filter(Q(payment_reference__in=references) | Q(number__in=numbers)).distinct()
    )

    for line_no, date, amount, description, compact in parsed:
        line = StatementLine(line=line_no, date=date, amount=amount, text=description, outcome="unknown")
        report.lines.append(line)
        if amount is None:
            line.outcome = "unreadable"
            line.note = _("The amount could not be read.")
            continue
        if amount <= 0:
            line.outcome = "unknown"
            line.note = _("Not a payment received.")
            continue
        order = next(
            (
                o
                for o in candidates
                if (o.payment_reference and o.payment_reference.upper().replace(" ", "") in compact)
                or o.number.replace("-", "").upper() in compact
            ),
            None,
        )
        if order is None:
            continue
        line.order, line.expected = order, int(order.total)
        if order.payment_method == Order.PaymentMethod.CARD:
            line.outcome = "unknown"
            line.note = _("This order is paid by card, not by transfer.")
        elif order.payment_status in (
            Order.PaymentStatus.PAID,
            Order.PaymentStatus.PARTIALLY_REFUNDED,
            Order.PaymentStatus.REFUNDED,
            Order.PaymentStatus.REFUND_DUE,
        ):
            line.outcome = "already_paid"
        elif amount != order.total:
            line.outcome = "mismatch"
        else:
            try:
                mark_transfer_received(order, by=by)
            except PaymentError as exc:
                line.outcome = "unknown"
                line.note = exc.message
                continue
            order.refresh_from_db()
            line.outcome = "matched"
            if order.stock_released_at is not None:
                line.outcome = "cancelled"
                line.note = _("The order had been cancelled before the money arrived: refund the buyer.")
    return report

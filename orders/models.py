"""Orders: a buyer's order, split into one fulfilment group per stall, its payments and ledger.

Money is integer đồng everywhere (VND has no minor unit). The contract with the payments side
is in the team's spec: fields are only ever added here, never renamed or removed.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import roles
from core.phone import display_vn_phone
from producers.models import Stall, TimeStampedModel


def new_access_token() -> str:
    return secrets.token_urlsafe(24)


class OrderQuerySet(models.QuerySet):
    def for_detail(self):
        """Everything the order page needs, in a fixed number of queries."""
        return self.select_related("province", "commune").prefetch_related(
            models.Prefetch("groups", queryset=FulfilmentGroup.objects.select_related("stall").order_by("pk")),
            # Each line with its buyer's review, if any (the order page links to the review form).
            models.Prefetch("groups__lines", queryset=OrderLine.objects.select_related("review")),
            "payments__refunds",
        )

    def visible_to(self, user):
        """Orders with at least one stall part the user may manage (staff: all)."""

        if not user.is_authenticated:
            return self.none()
        if roles.sees_all_producers(user):
            return self
        return self.filter(groups__stall__in=Stall.objects.visible_to(user).values("pk")).distinct()


class Order(TimeStampedModel):
    class PaymentMethod(models.TextChoices):
        CARD = "card", _("Card")
        VIETQR = "vietqr", _("VietQR bank transfer")
        COD = "cod", _("Cash on delivery")

    class PaymentStatus(models.TextChoices):
        UNPAID = "unpaid", _("Unpaid")
        AWAITING = "awaiting", _("Awaiting payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Payment failed")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")
        # Paid, then (part of it) cancelled: money is owed back and not yet sent in full.
        REFUND_DUE = "refund_due", _("Refund owed")

    number = models.CharField(_("order number"), max_length=20, unique=True)
    access_token = models.CharField(max_length=64, unique=True, default=new_access_token, editable=False)
    buyer_name = models.CharField(_("buyer name"), max_length=120)
    buyer_phone = models.CharField(_("buyer phone"), max_length=20, db_index=True)
    buyer_email = models.EmailField(_("buyer e-mail"), blank=True)
    province = models.ForeignKey(
        "producers.Province", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "producers.Commune", verbose_name=_("commune / ward"), on_delete=models.PROTECT, related_name="+"
    )
    street_address = models.CharField(_("street address"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    payment_method = models.CharField(_("payment method"), max_length=10, choices=PaymentMethod.choices)
    payment_status = models.CharField(
        _("payment status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID, db_index=True
    )
    subtotal = models.PositiveBigIntegerField(_("subtotal (VND)"), default=0)
    shipping_total = models.PositiveBigIntegerField(_("shipping (VND)"), default=0)
    total = models.PositiveBigIntegerField(_("total (VND)"), default=0)
    reserved_until = models.DateTimeField(_("stock reserved until"), null=True, blank=True, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=19, unique=True, blank=True, null=True)
    # Set once the stock of this order has been given back (cancelled or expired): never twice.
    stock_released_at = models.DateTimeField(_("stock released at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)

    objects = OrderQuerySet.as_manager()

    # Wagtail indexes every snippet's links for the admin's "usage" pages; an order links only
    # to its delivery province and commune, whose usage nobody looks up, and indexing it cost
    # every checkout five queries (the index task reloads the order) inside its transaction.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total=models.F("subtotal") + models.F("shipping_total")),
                name="order_total_is_subtotal_plus_shipping",
            )
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("orders:detail", kwargs={"token": self.access_token})

    @property
    def buyer_phone_display(self) -> str:
        return display_vn_phone(self.buyer_phone)

    @property
    def is_online(self) -> bool:
        return self.payment_method in (self.PaymentMethod.CARD, self.PaymentMethod.VIETQR)

    @property
    def is_payable(self) -> bool:
        """Whether the buyer can still pay online (not paid, not cancelled, reservation open)."""

        return (
            self.is_online
            and self.payment_status
            in (self.PaymentStatus.UNPAID, self.PaymentStatus.AWAITING, self.PaymentStatus.FAILED)
            and self.stock_released_at is None
            and (self.reserved_until is None or self.reserved_until > timezone.now())
        )


class OrderSequence(models.Model):
    """The last order number handed out per year; its row is locked while a number is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("order number sequence")

    def __str__(self):
        return f"{self.year}: {self.last}"


class FulfilmentGroup(TimeStampedModel):
    """The part of an order one stall ships, with its own status."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Pending payment")
        PAID = "paid", _("Paid")
        PREPARING = "preparing", _("Preparing")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    class CollectedBy(models.TextChoices):
        PLATFORM = "platform", _("Platform")
        STALL = "stall", _("Stall")
        COD = "cod", _("Cash on delivery")

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="groups")
    stall = models.ForeignKey(
        "producers.Stall", verbose_name=_("stall"), on_delete=models.PROTECT, related_name="order_groups"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT, db_index=True
    )
    subtotal = models.PositiveBigIntegerField(_("subtotal (VND)"), default=0)
    shipping_fee = models.PositiveBigIntegerField(_("shipping fee (VND)"), default=0)
    total = models.PositiveBigIntegerField(_("total (VND)"), default=0)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    collected_by = models.CharField(
        _("collected by"), max_length=10, choices=CollectedBy.choices, default=CollectedBy.PLATFORM
    )
    # The household itself delivers (the shipping fee is its transport revenue, withheld at the
    # transport rates); otherwise the fee is passed on to a carrier and is not its revenue.
    delivered_by_stall = models.BooleanField(_("delivered by the stall itself"), default=False)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("stall part of an order")
        verbose_name_plural = _("stall parts of orders")
        constraints = [
            models.UniqueConstraint(fields=["order", "stall"], name="one_group_per_stall_per_order"),
            models.CheckConstraint(
                condition=models.Q(total=models.F("subtotal") + models.F("shipping_fee")),
                name="group_total_is_subtotal_plus_shipping",
            ),
        ]

    def __str__(self):
        return f"{self.order_id and self.order.number} · {self.stall}"


class GroupStatusChange(models.Model):
    """Who moved a stall's part of an order, when, from what to what."""

    group = models.ForeignKey(FulfilmentGroup, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=FulfilmentGroup.Status.choices)
    to_status = models.CharField(max_length=20, choices=FulfilmentGroup.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    comment = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class OrderLine(models.Model):
    """A snapshot of what was bought: name, unit and price as they were at checkout."""

    group = models.ForeignKey(FulfilmentGroup, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="order_lines"
    )
    product_name = models.CharField(_("product"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30)
    unit_price = models.PositiveBigIntegerField(_("unit price (VND)"))
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = models.PositiveBigIntegerField(_("line total (VND)"))
    # The production batch the parcel was packed from, where the stall records it.
    batch = models.ForeignKey(
        "traceability.Batch",
        verbose_name=_("batch shipped"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="order_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_name}"


class Payment(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=10, choices=Order.PaymentMethod.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    provider_id = models.CharField(_("provider id"), max_length=255, null=True, blank=True, unique=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    failure_message = models.TextField(_("failure message"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # A confirm was sent and its answer lost: the card may have been charged. Cleared when
    # the provider's answer is known (a retrieve or the webhook).
    outcome_unknown_since = models.DateTimeField(_("outcome unknown since"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        permissions = [
            ("confirm_platform_payment", _("Can confirm money received and refunds sent on the platform's account")),
        ]

    def __str__(self):
        return f"{self.get_method_display()} {self.amount} ({self.get_status_display()})"


class Refund(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds")
    group = models.ForeignKey(FulfilmentGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    provider_id = models.CharField(_("provider id"), max_length=255, null=True, blank=True, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A refund owed (PENDING) is recorded when the paid part is cancelled; it is SUCCEEDED when the
    # money is sent: by the card API, or by hand (a transfer back, with the bank's reference).
    method = models.CharField(_("method"), max_length=10, choices=Order.PaymentMethod.choices, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self):
        return f"{self.amount} ({self.get_status_display()})"


class WebhookEvent(models.Model):
    """A provider event already handled: the same event delivered twice changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"


class LedgerEntry(models.Model):
    """Settlement: what the platform owes a stall, per order part (signed đồng)."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        REFUND = "refund", _("Refund")
        VAT_WITHHELD = "vat_withheld", _("VAT withheld")
        PIT_WITHHELD = "pit_withheld", _("Personal income tax withheld")
        PAYOUT = "payout", _("Payout")
        # The delivery fee, apart from the goods; taxed (transport rates) only when the stall delivers.
        SHIPPING = "shipping", _("Shipping fee")
        SHIPPING_VAT = "shipping_vat", _("VAT withheld on delivery")
        SHIPPING_PIT = "shipping_pit", _("Personal income tax withheld on delivery")

    group = models.ForeignKey(FulfilmentGroup, on_delete=models.PROTECT, related_name="ledger")
    stall = models.ForeignKey("producers.Stall", on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    amount = models.BigIntegerField(_("amount (VND)"))
    collected_by = models.CharField(
        _("collected by"),
        max_length=10,
        choices=FulfilmentGroup.CollectedBy.choices,
        default=FulfilmentGroup.CollectedBy.PLATFORM,
    )
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger")
    created_at = models.DateTimeField(auto_now_add=True)
    month = models.DateField(_("month"), db_index=True)

    class Meta:
        ordering = ["month", "created_at", "pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class BankTransaction(models.Model):
    """A transfer notified by the bank-notification service (SePay) on the platform's account:
    one row per bank transaction id (a repeated notification changes nothing), with what it matched."""

    class Outcome(models.TextChoices):
        MATCHED = "matched", _("Matched: order paid")
        ALREADY_PAID = "already_paid", _("Order already paid")
        SHORT = "short", _("Less than the order total")
        OVER = "over", _("More than the order total")
        UNKNOWN = "unknown", _("No order found")
        CANCELLED = "cancelled", _("Order cancelled: refund owed")
        IGNORED = "ignored", _("Not a payment received")

    provider = models.CharField(max_length=20, default="sepay")
    transaction_id = models.CharField(_("bank transaction id"), max_length=64)
    amount = models.BigIntegerField(_("amount (VND)"))
    content = models.TextField(_("transfer description"), blank=True)
    reference_code = models.CharField(_("bank reference"), max_length=100, blank=True)
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    transaction_date = models.CharField(_("transaction date"), max_length=40, blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="bank_transactions")
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("bank transaction")
        verbose_name_plural = _("bank transactions")
        constraints = [
            models.UniqueConstraint(fields=["provider", "transaction_id"], name="one_row_per_bank_transaction"),
        ]

    def __str__(self):
        return f"{self.provider} {self.transaction_id} {self.amount}"


# --- buyer accounts ------------------------------------------------------------------------------
# A buyer who wants their order history signs in with a one-time code sent to their phone. The
# account is deliberately its own small model, not a Django user: a user's session is what the
# admin, the stall and officer screens trust, and phone numbers are already the usernames of
# households and officers (onboarding.accounts). A code-only sign-in that produced a Django user
# would either collide with those accounts or, worse, open them without their password. A
# BuyerAccount can see the orders placed with its phone and nothing else, and cannot reach
# /admin/ however its session is used.


class BuyerAccount(TimeStampedModel):
    phone = models.CharField(_("phone"), max_length=20, unique=True)  # E.164, as orders store it
    name = models.CharField(_("name"), max_length=120, blank=True)
    last_sign_in_at = models.DateTimeField(_("last signed in"), null=True, blank=True)

    class Meta:
        verbose_name = _("buyer account")
        verbose_name_plural = _("buyer accounts")

    def __str__(self):
        return self.phone

    @property
    def phone_display(self) -> str:
        return display_vn_phone(self.phone)


class BuyerAddress(TimeStampedModel):
    """A delivery address a signed-in buyer kept from a checkout, offered again at the next one."""

    account = models.ForeignKey(BuyerAccount, on_delete=models.CASCADE, related_name="addresses")
    recipient_name = models.CharField(_("recipient"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20)
    province = models.ForeignKey(
        "producers.Province", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "producers.Commune", verbose_name=_("commune / ward"), on_delete=models.PROTECT, related_name="+"
    )
    street_address = models.CharField(_("street address"), max_length=200)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("saved address")
        verbose_name_plural = _("saved addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "recipient_name", "phone", "commune", "street_address"],
                name="one_saved_address_per_place_and_recipient",
            )
        ]

    def __str__(self):
        return f"{self.recipient_name}, {self.street_address}"

    @property
    def phone_display(self) -> str:
        return display_vn_phone(self.phone)


class SignInCode(models.Model):
    """A one-time sign-in code sent to a phone: only its keyed hash is stored."""

    phone = models.CharField(max_length=20, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")

    def __str__(self):
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"

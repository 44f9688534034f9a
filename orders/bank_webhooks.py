"""The bank's own confirmation of VietQR transfers: ``POST /payments/sepay/webhook``.

The format is SePay's bank-transaction webhook (https://developer.sepay.vn/en/sepay-webhooks,
"Integrate webhook" and "Authentication"): a JSON body per transaction on the linked account::

    {"id": 92704, "gateway": "Vietcombank", "transactionDate": "2023-03-25 14:02:37",
     "accountNumber": "0123499999", "code": null, "content": "OCOP2026000123 chuyen tien",
     "transferType": "in", "transferAmount": 2277000, "accumulated": 19077000,
     "subAccount": null, "referenceCode": "MBVCB.3278907687", "description": "..."}

Authentication is SePay's "API Key" method: every request carries ``Authorization: Apikey
<key>``, compared in constant time with ``SEPAY_WEBHOOK_API_KEY`` (no key configured: every
request is refused). The answer SePay expects is HTTP 200 with ``{"success": true}``; anything
else is retried by SePay, so a transaction already recorded answers success again and changes
nothing (idempotent on SePay's transaction ``id``).

A transfer "in" to the platform's account (``PLATFORM_BANK_ACCOUNT``) naming an order's
reference or number, for exactly the order's total, marks the order paid (confirmed by the
bank, no person). Short, over and unknown transfers are recorded and listed for finance on
the bank statement page, like the lines of an uploaded statement.
"""

from __future__ import annotations

import hmac
import json
import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.text import fold

from .models import BankTransaction, FulfilmentGroup, Order
from .payments import NUMBER_RE, PaymentError, _compact, mark_transfer_received

logger = logging.getLogger(__name__)


def authenticated(header: str | None) -> bool:
    key = getattr(settings, "SEPAY_WEBHOOK_API_KEY", "") or ""
    if not key or not header:
        return False
    scheme, _sep, value = header.strip().partition(" ")
    return scheme.lower() == "apikey" and hmac.compare_digest(value.strip().encode(), key.encode())


@csrf_exempt  # SePay cannot send a CSRF token; the API key authenticates instead
@never_cache
@require_POST
def sepay_webhook(request):
    if not authenticated(request.headers.get("Authorization")):
        logger.warning("sepay webhook rejected: bad or missing API key")
        return JsonResponse({"success": False, "message": "Unauthorized"}, status=401)
    try:
        data = json.loads(request.body)
        transaction_id = str(data["id"]).strip()
        amount = data["transferAmount"]
        if not transaction_id or not isinstance(amount, int) or isinstance(amount, bool):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"success": False, "message": "Not a SePay transaction"}, status=400)
    record_transaction(data)
    return JsonResponse({"success": True})


def record_transaction(data: dict):
    """Record one notified transaction once, and pay the order it names when it matches exactly."""

    transaction_id = str(data["id"]).strip()[:64]
    if BankTransaction.objects.filter(provider="sepay", transaction_id=transaction_id).exists():
        return None
    try:
        with transaction.atomic():
            row = BankTransaction.objects.create(
                provider="sepay",
                transaction_id=transaction_id,
                amount=int(data["transferAmount"]),
                content=str(data.get("content") or data.get("description") or "")[:2000],
                reference_code=str(data.get("referenceCode") or "")[:100],
                account_number=str(data.get("accountNumber") or "")[:40],
                transaction_date=str(data.get("transactionDate") or "")[:40],
                outcome=BankTransaction.Outcome.UNKNOWN,
                payload=data,
            )
            _match(row, data)
            row.save(update_fields=["outcome", "order"])
    except IntegrityError:  # the same notification arrived twice at once
        return None
    return row


def _match(row, data: dict) -> None:
    Outcome = BankTransaction.Outcome
    platform_account = re.sub(r"\D", "", settings.PLATFORM_BANK_ACCOUNT or "")
    if str(data.get("transferType", "")).lower() != "in" or row.amount <= 0:
        row.outcome = Outcome.IGNORED
        return
    if row.account_number and re.sub(r"\D", "", row.account_number) != platform_account:
        row.outcome = Outcome.UNKNOWN  # another account: not the platform's money
        return
    text = " ".join(str(data.get(k) or "") for k in ("code", "content", "description"))
    compact = _compact(text)
    tokens = set(re.findall(r"[A-Z0-9]{6,19}", fold(text).upper()))
    numbers = {f"OCOP-{y}-{n}" for y, n in NUMBER_RE.findall(text)}
    candidates = Order.objects.filter(
        payment_method=Order.PaymentMethod.VIETQR,
        groups__collected_by=FulfilmentGroup.CollectedBy.PLATFORM,
    ).filter(Q(payment_reference__in=tokens | {n.replace("-", "") for n in numbers}) | Q(number__in=numbers))
    order = next(
        (
            o
            for o in candidates.distinct()
            if (o.payment_reference and o.payment_reference.upper() in compact)
            or o.number.replace("-", "").upper() in compact
        ),
        None,
    )
    if order is None:
        row.outcome = Outcome.UNKNOWN
        return
    row.order = order
    if order.payment_status in (
        Order.PaymentStatus.PAID,
        Order.PaymentStatus.PARTIALLY_REFUNDED,
        Order.PaymentStatus.REFUNDED,
        Order.PaymentStatus.REFUND_DUE,
    ):
        row.outcome = Outcome.ALREADY_PAID
    elif row.amount < order.total:
        row.outcome = Outcome.SHORT
    elif row.amount > order.total:
        row.outcome = Outcome.OVER
    else:
        try:
            mark_transfer_received(order, by=None, from_bank=True)
        except PaymentError:
            row.outcome = Outcome.UNKNOWN
            return
        order.refresh_from_db()
        row.outcome = Outcome.CANCELLED if order.stock_released_at is not None else Outcome.MATCHED

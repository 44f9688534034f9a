"""Optional buyer accounts: sign in with a one-time code sent to the phone, see every order
placed with that phone, keep delivery addresses for the next checkout.

Checkout never needs an account. The code is 6 digits, stored only as a keyed hash (HMAC with
the site's secret key, so a copy of the table alone does not reveal it), valid for
``CODE_MINUTES`` minutes, for ``MAX_ATTEMPTS`` tries, and replaced by the next code sent to the
same phone. Sending and wrong codes are also throttled per client and per phone in the views
(``core.throttle``). Any valid phone number gets a code, whether it has ordered or not:
the answer never tells whether a number is known. The account is created when its first code
is confirmed.

The signed-in buyer is kept in the session under ``SESSION_KEY`` (see the model's comment for
why it is not a Django user); the session key is changed at sign-in and sign-out.
"""

from __future__ import annotations

import datetime
import hmac
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core.notify import Message, notify_on_commit
from core.phone import display_vn_phone

from .models import BuyerAccount, BuyerAddress, FulfilmentGroup, Order, SignInCode

CODE_DIGITS = 6
CODE_MINUTES = 5
MAX_ATTEMPTS = 5
SESSION_KEY = "buyer_account_id"
PENDING_PHONE_KEY = "buyer_sign_in_phone"


class SignInError(Exception):
    """A code that cannot sign in; ``message`` is shown to the buyer as is."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _hash(phone: str, code: str) -> str:
    return salted_hmac("orders.buyer-sign-in-code", f"{phone}:{code}", algorithm="sha256").hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def sign_in_code_send(*, phone: str, code: str | None = None) -> None:
    """Send a new code to ``phone`` (E.164); earlier unused codes of that phone stop working."""
    code = code or new_code()
    now = timezone.now()
    with transaction.atomic():
        SignInCode.objects.filter(phone=phone, used_at__isnull=True).update(used_at=now)
        SignInCode.objects.create(
            phone=phone,
            code_hash=_hash(phone, code),
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=CODE_MINUTES),
        )
        # Codes a day old are of no use to anyone: the table stays small.
        SignInCode.objects.filter(created_at__lt=now - datetime.timedelta(days=1)).delete()
        notify_on_commit(
            Message(
                subject=_("Your OCOP Market sign-in code"),
                body=_("%(code)s is your OCOP Market sign-in code. It expires in %(minutes)s minutes. Never share it.")
                % {"code": code, "minutes": CODE_MINUTES},
                phone=phone,
                tags=("buyer-sign-in",),
            )
        )


def sign_in_code_verify(*, phone: str, code: str) -> BuyerAccount:
    """The account of ``phone`` once ``code`` matches its latest code; raises SignInError otherwise."""
    now = timezone.now()
    with transaction.atomic():
        latest = SignInCode.objects.select_for_update().filter(phone=phone, used_at__isnull=True).first()
        error = _refusal(latest, phone, code, now)
        if error is None:
            latest.used_at = now
            latest.save(update_fields=["used_at"])
            try:
                with transaction.atomic():
                    account, _created = BuyerAccount.objects.get_or_create(phone=phone)
            except IntegrityError:  # the same phone confirmed twice at once
                account = BuyerAccount.objects.get(phone=phone)
            account.last_sign_in_at = now
            account.save(update_fields=["last_sign_in_at", "updated_at"])
    # Raised once the transaction has committed: the wrong try it counted must stay counted.
    if error is not None:
        raise error
    return account


def _refusal(latest: SignInCode | None, phone: str, code: str, now) -> SignInError | None:
    """Why ``code`` cannot sign in (a wrong try is counted on ``latest``), or None when it can."""
    if latest is None or latest.expires_at <= now:
        return SignInError(_("This code has expired or was already used: ask for a new one."), code="expired")
    if latest.attempts >= MAX_ATTEMPTS:
        return SignInError(_("Too many wrong codes: ask for a new one."), code="attempts")
    if hmac.compare_digest(latest.code_hash, _hash(phone, code)):
        return None
    latest.attempts += 1
    latest.save(update_fields=["attempts"])
    left = MAX_ATTEMPTS - latest.attempts
    if left <= 0:
        return SignInError(_("Too many wrong codes: ask for a new one."), code="attempts")
    return SignInError(
        _("The code is not right. Check the message and try again (%(left)s tries left).") % {"left": left},
        code="wrong",
    )


# --- the session ---------------------------------------------------------------------------------


def sign_in(request, account: BuyerAccount) -> None:
    # A new session key: a key planted before sign-in (session fixation) is of no use after it.
    request.session.cycle_key()
    request.session.pop(PENDING_PHONE_KEY, None)
    request.session[SESSION_KEY] = account.pk


def sign_out(request) -> None:
    # Only the buyer's keys go: the cart stays, and so does a household's own sign-in.
    request.session.pop(SESSION_KEY, None)
    request.session.pop(PENDING_PHONE_KEY, None)
    request.session.cycle_key()


def current_buyer(request) -> BuyerAccount | None:
    """The signed-in buyer of this request, or None (cached on the request)."""
    if hasattr(request, "_buyer_account"):
        return request._buyer_account
    session = getattr(request, "session", None)
    pk = session.get(SESSION_KEY) if session is not None else None
    account = BuyerAccount.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    request._buyer_account = account
    return account


# --- what a signed-in buyer sees -----------------------------------------------------------------


def orders_of(account: BuyerAccount):
    """Every order placed with the account's phone, newest first, with its stall parts."""

    return (
        Order.objects.filter(buyer_phone=account.phone)
        .prefetch_related(Prefetch("groups", queryset=FulfilmentGroup.objects.select_related("stall").order_by("pk")))
        .order_by("-created_at", "-pk")
    )


def addresses_of(account: BuyerAccount):
    return BuyerAddress.objects.filter(account=account).select_related("province", "commune")


def buyer_address_save(*, account: BuyerAccount, data: dict) -> BuyerAddress:
    """Keep the delivery address of a checkout (``CheckoutForm.cleaned_data``); the same one
    again only moves it to the top."""
    fields = {
        "recipient_name": data["buyer_name"],
        "phone": data["buyer_phone"],
        "commune": data["commune"],
        "street_address": data["street_address"],
    }
    with transaction.atomic():
        address = BuyerAddress.objects.filter(account=account, **fields).first()
        if address is None:
            address = BuyerAddress(account=account, province=data["province"], **fields)
            address.full_clean()
        address.save()
        if account.name != data["buyer_name"]:
            account.name = data["buyer_name"]
            account.save(update_fields=["name", "updated_at"])
    return address


def buyer_address_delete(*, account: BuyerAccount, pk: int) -> bool:
    """Forget one of the account's addresses; False when it has no such address."""
    deleted, _details = BuyerAddress.objects.filter(account=account, pk=pk).delete()
    return bool(deleted)


def checkout_initial(account: BuyerAccount, address: BuyerAddress | None) -> dict:
    """What the checkout form starts with for a signed-in buyer."""

    if address is None:
        return {"buyer_name": account.name, "buyer_phone": display_vn_phone(account.phone)}
    return {
        "buyer_name": address.recipient_name,
        "buyer_phone": display_vn_phone(address.phone),
        "province": address.province_id,
        "commune": address.commune_id,
        "street_address": address.street_address,
    }

"""A small client for a Stripe-compatible PaymentIntents API, written on ``requests``.

Only what the shop needs: payment intents (create, retrieve, update, confirm, cancel),
refunds, and a health probe. The base URL and the secret key come from settings
(``STRIPE_API_BASE``, ``STRIPE_SECRET_KEY``), so the same code talks to Stripe in
production and to localstripe on loopback in the demo and the tests.

- Parameters are sent form-encoded with Stripe's nested syntax (``metadata[order]=…``,
  ``expand[0]=…``).
- Every create carries an ``Idempotency-Key``: a retried create returns the first object
  on Stripe. (localstripe ignores the header; ``orders.payments`` never creates a second
  intent for the same ``Payment`` either.)
- Connection errors, timeouts and 5xx answers are retried with exponential backoff,
  ``STRIPE_RETRIES`` times; a 4xx answer is never retried (it would fail the same way).
- Errors become :class:`StripeError` with ``user_message``, a sentence a buyer understands.
- VND is a zero-decimal currency: ``amount`` is the number of đồng, never multiplied.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

CURRENCY = "vnd"

# Buyer-facing messages for the API's error codes (error.code or error.decline_code).
DECLINE_MESSAGES = {
    "card_declined": _(
        "Your card was declined. No money was taken. Try another card, or pay by bank transfer (VietQR) "
        "or cash on delivery."
    ),
    "insufficient_funds": _(
        "Your card has insufficient funds. No money was taken. Try another card or another payment method."
    ),
    "expired_card": _("Your card has expired. No money was taken. Try another card."),
    "incorrect_cvc": _("The card's security code (CVC) is incorrect. No money was taken. Check it and try again."),
    "incorrect_number": _("The card number is incorrect. No money was taken. Check it and try again."),
    "processing_error": _("The bank could not process your card just now. No money was taken. Try again."),
    "authentication_required": _(
        "Your bank asks for an extra check that this shop cannot do yet. No money was taken. "
        "Pay by bank transfer (VietQR) or cash on delivery instead."
    ),
    "payment_intent_authentication_failure": _(
        "Your bank asks for an extra check that this shop cannot do yet. No money was taken. "
        "Pay by bank transfer (VietQR) or cash on delivery instead."
    ),
    "amount_too_small": _("The amount is too small for a card payment. Choose another payment method."),
    "amount_too_large": _("The amount is too large for a card payment. Choose another payment method."),
}
GENERIC_MESSAGE = _(
    "The card payment could not be completed. No money was taken. Try again, or pay by bank transfer (VietQR) "
    "or cash on delivery."
)
UNAVAILABLE_MESSAGE = _(
    "Card payments are not available right now. Your card was not charged. Pay by bank transfer (VietQR) or cash "
    "on delivery, or try again in a few minutes."
)


class StripeError(Exception):
    """An error from the API (``status`` set) or from the network (``status`` None)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = "",
        decline_code: str = "",
        error_type: str = "",
        payment_intent: Mapping[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code or ""
        self.decline_code = decline_code or ""
        self.error_type = error_type or ""
        self.payment_intent = payment_intent

    @property
    def is_card_error(self) -> bool:
        return self.status == 402 or self.error_type == "card_error"

    @property
    def user_message(self) -> str:
        """A sentence for the buyer (translated in the active language)."""
        for key in (self.decline_code, self.code):
            if key in DECLINE_MESSAGES:
                return str(DECLINE_MESSAGES[key])
        if self.is_card_error:
            return str(DECLINE_MESSAGES["card_declined"])
        if self.status is None or self.status >= 500 or self.status in (401, 403, 429):
            return str(UNAVAILABLE_MESSAGE)
        return str(GENERIC_MESSAGE)


class StripeConnectionError(StripeError):
    """No answer: connection refused, DNS, timeout. The request may or may not have been applied."""


def message_for_code(code: str) -> str:
    """The buyer message for an error/decline code found in an object (``last_payment_error``)."""
    return str(DECLINE_MESSAGES.get(code or "", GENERIC_MESSAGE))


def encode_params(params: Mapping[str, Any] | None, prefix: str = "") -> list[tuple[str, str]]:
    """Stripe's form encoding: ``{"metadata": {"order": "X"}, "expand": ["a"]}`` →
    ``[("metadata[order]", "X"), ("expand[0]", "a")]``. ``None`` values are left out."""
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        pairs.extend(_encode_value(name, value))
    return pairs


def _encode_value(name: str, value: Any) -> Iterable[tuple[str, str]]:
    if value is None:
        return []
    if isinstance(value, Mapping):
        return encode_params(value, prefix=name)
    if isinstance(value, list | tuple):
        pairs: list[tuple[str, str]] = []
        for index, item in enumerate(value):
            pairs.extend(_encode_value(f"{name}[{index}]", item))
        return pairs
    if isinstance(value, bool):
        return [(name, "true" if value else "false")]
    return [(name, str(value))]


class StripeClient:
    """One client per use; cheap to build. ``sleep`` is injectable so tests never wait."""

    backoff_base = 0.25  # seconds: 0.25, 0.5, 1, 2 …
    backoff_max = 2.0

    def __init__(
        self,
        *,
        api_base: str | None = None,
        secret_key: str | None = None,
        timeout: float | tuple[float, float] | None = None,
        retries: int | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.api_base = (api_base if api_base is not None else settings.STRIPE_API_BASE).rstrip("/")
        self.secret_key = secret_key if secret_key is not None else settings.STRIPE_SECRET_KEY
        self.timeout = timeout if timeout is not None else settings.STRIPE_TIMEOUT
        self.retries = max(0, retries if retries is not None else settings.STRIPE_RETRIES)
        self.session = session or requests.Session()
        self.sleep = sleep

    @property
    def configured(self) -> bool:
        return bool(self.api_base and self.secret_key)

    # The transport --------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        if not self.configured:
            raise StripeConnectionError("The card payment service is not configured (STRIPE_SECRET_KEY).")
        url = f"{self.api_base}{path}"
        headers = {"Authorization": f"Bearer {self.secret_key}", "Accept": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        data = encode_params(params)
        attempt = 0
        while True:
            try:
                if method == "GET":
                    response = self.session.get(url, params=data, headers=headers, timeout=self.timeout)
                else:
                    response = self.session.request(method, url, data=data, headers=headers, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt < self.retries:
                    self._backoff(attempt, method, path, exc)
                    attempt += 1
                    continue
                raise StripeConnectionError(f"{method} {path}: {exc.__class__.__name__}: {exc}") from exc
            if response.status_code >= 500 and attempt < self.retries:
                self._backoff(attempt, method, path, f"HTTP {response.status_code}")
                attempt += 1
                continue
            return self._parse(response, method, path)

    def _backoff(self, attempt: int, method: str, path: str, reason: object) -> None:
        delay = min(self.backoff_max, self.backoff_base * (2**attempt))
        logger.warning("stripe %s %s failed (%s); retry %d in %.2fs", method, path, reason, attempt + 1, delay)
        self.sleep(delay)

    @staticmethod
    def _parse(response: requests.Response, method: str, path: str) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if 200 <= response.status_code < 300 and isinstance(body, dict):
            return body
        error = (body or {}).get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {}
        message = error.get("message") or f"HTTP {response.status_code}"
        logger.info("stripe %s %s → %s %s", method, path, response.status_code, error.get("code") or message)
        raise StripeError(
            f"{method} {path}: {message}",
            status=response.status_code,
            code=error.get("code") or "",
            decline_code=error.get("decline_code") or "",
            error_type=error.get("type") or "",
            payment_intent=error.get("payment_intent") if isinstance(error.get("payment_intent"), dict) else None,
        )

    # Payment intents --------------------------------------------------------------------------
    def create_payment_intent(
        self,
        *,
        amount: int,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
        currency: str = CURRENCY,
        payment_method: str | None = None,
        confirm: bool | None = None,
    ) -> dict[str, Any]:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise ValueError("amount must be a positive whole number of đồng")
        params = {
            "amount": amount,
            "currency": currency,
            "metadata": dict(metadata or {}),
            "payment_method": payment_method,
            "confirm": confirm,
        }
        return self.request("POST", "/v1/payment_intents", params, idempotency_key=idempotency_key)

    def retrieve_payment_intent(self, intent_id: str) -> dict[str, Any]:
        return self.request("GET", f"/v1/payment_intents/{intent_id}")

    def update_payment_intent(self, intent_id: str, **params: Any) -> dict[str, Any]:
        return self.request("POST", f"/v1/payment_intents/{intent_id}", params)

    def confirm_payment_intent(self, intent_id: str) -> dict[str, Any]:
        """Confirm bare: attach the method with :meth:`update_payment_intent` first."""
        return self.request("POST", f"/v1/payment_intents/{intent_id}/confirm")

    def cancel_payment_intent(self, intent_id: str) -> dict[str, Any]:
        return self.request("POST", f"/v1/payment_intents/{intent_id}/cancel")

    def list_payment_intents(self) -> list[dict[str, Any]]:
        return self.request("GET", "/v1/payment_intents").get("data", [])

    # Refunds --------------------------------------------------------------------------------------
    def create_refund(
        self,
        *,
        payment_intent: str,
        idempotency_key: str,
        amount: int | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0):
            raise ValueError("amount must be a positive whole number of đồng")
        params = {"payment_intent": payment_intent, "amount": amount, "metadata": dict(metadata or {})}
        return self.request("POST", "/v1/refunds", params, idempotency_key=idempotency_key)

    def list_refunds(self, *, charge: str) -> list[dict[str, Any]]:
        return self.request("GET", "/v1/refunds", {"charge": charge}).get("data", [])

    # Health ---------------------------------------------------------------------------------------
    def ping(self, timeout: float = 1.0) -> bool:
        """True when a Stripe-compatible server answers with our key (one try, short timeout)."""
        if not self.configured:
            return False
        try:
            response = self.session.get(
                f"{self.api_base}/v1/balance",
                headers={"Authorization": f"Bearer {self.secret_key}"},
                timeout=(timeout, timeout),
            )
        except (requests.ConnectionError, requests.Timeout):
            return False
        if response.status_code != 200:
            return False
        try:
            return isinstance(response.json(), dict)
        except ValueError:
            return False


def client(**overrides: Any) -> StripeClient:
    return StripeClient(**overrides)

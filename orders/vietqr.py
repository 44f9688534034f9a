"""VietQR bank transfers: the NAPAS/EMVCo payload (built by ``vietnam-qr-pay``) and its SVG.

A dynamic VietQR carries the receiving bank's BIN, the account number, the amount in đồng
and a purpose (field 62-08) that banking apps copy into the transfer's description. The
purpose is the order's ``payment_reference``: plain ASCII letters and digits, at most 19
characters, so it survives every bank's statement and lets a statement line be matched
back to its order. The payload ends with a CRC-16/CCITT-FALSE over everything before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO

import qrcode
import qrcode.image.svg
from anyascii import anyascii
from django.conf import settings
from vietnam_qr_pay import QRPay

from core.text import normalize
from producers.banks import bank_name

PURPOSE_MAX = 19
ACCOUNT_RE = re.compile(r"^[0-9A-Za-z]{1,19}$")
BIN_RE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Beneficiary:
    """Who receives a transfer: the platform's account or a stall's own."""

    bank_bin: str
    account_number: str
    account_holder: str
    collected_by: str  # "platform" or "stall" (FulfilmentGroup.CollectedBy)

    @property
    def bank_name(self) -> str:
        return bank_name(self.bank_bin)


def platform_beneficiary() -> Beneficiary:
    return Beneficiary(
        bank_bin=settings.PLATFORM_BANK_BIN,
        account_number=settings.PLATFORM_BANK_ACCOUNT,
        account_holder=settings.PLATFORM_BANK_HOLDER,
        collected_by="platform",
    )


def beneficiary_for(order) -> Beneficiary:
    """The platform's account, unless every part of the order is collected by its stall.

    A single-stall order whose group says ``collected_by == "stall"`` is paid straight to that
    stall's own bank account (``producer.bank_account``); every other order to the platform.
    """
    groups = list(order.groups.all())
    if len(groups) == 1 and groups[0].collected_by == "stall":
        account = getattr(groups[0].stall.producer, "bank_account", None)
        if account is not None:
            return Beneficiary(account.bank_bin, account.account_number, account.account_holder, "stall")
    return platform_beneficiary()


def clean_purpose(text: str) -> str:
    """ASCII letters, digits and single spaces only, no diacritics (đ → d), at most 19 characters."""
    folded = anyascii(normalize(text or ""))
    cleaned = re.sub(r"[^A-Za-z0-9 ]+", "", folded)
    return " ".join(cleaned.split())[:PURPOSE_MAX].strip()


def reference_for(order) -> str:
    """The order's payment reference (ASCII ≤ 19), or one made from its number."""
    return clean_purpose(order.payment_reference or "") or clean_purpose(order.number.replace("-", ""))


def build_payload(*, bank_bin: str, account_number: str, amount: int, purpose: str) -> str:
    """The VietQR string for a transfer of ``amount`` đồng; validates what it is given."""
    if not BIN_RE.match(bank_bin or ""):
        raise ValueError("bank BIN must be 6 digits")
    if not ACCOUNT_RE.match(account_number or ""):
        raise ValueError("account number must be 1-19 letters or digits")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValueError("amount must be a positive whole number of đồng")
    clean = clean_purpose(purpose)
    if clean != purpose:
        raise ValueError("purpose must be ASCII letters, digits and spaces, at most 19 characters")
    qr = QRPay.init_viet_qr(bank_bin=bank_bin, bank_number=account_number, amount=str(amount), purpose=purpose or None)
    return qr.build()


def payload_for(order, group=None) -> str:
    """The payload for paying an order (or one stall's part of it, ``group``)."""
    beneficiary = beneficiary_for(order)
    amount = int(group.total if group is not None else order.total)
    return build_payload(
        bank_bin=beneficiary.bank_bin,
        account_number=beneficiary.account_number,
        amount=amount,
        purpose=reference_for(order),
    )


def parse_payload(payload: str) -> QRPay:
    """Decode a payload (``is_valid`` False when the CRC or a length is wrong)."""
    return QRPay(payload)


def qr_code(payload: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=10)
    qr.add_data(payload)
    qr.make(fit=True)
    return qr


def render_svg(payload: str, *, title: str = "VietQR") -> str:
    """The QR code as an inline ``<svg>`` element (one path, scales to its container)."""
    image = qr_code(payload).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)
    # Accessible name; the page prints the same details as text next to it.
    return svg.replace("<svg ", f'<svg role="img" aria-label="{_escape(title)}" class="vietqr-code" ', 1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")

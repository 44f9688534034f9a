"""The stall's own VietQR: a static sign for the market stall, a dynamic one for a product's price.

NAPAS/EMVCo payloads built by ``vietnam-qr-pay``: point of initiation ``11`` (static, the payer
types the amount) for the printed sign, ``12`` (dynamic) with the amount and a short purpose for
a product's fixed price. Both go to the stall's own bank account (``producers.BankAccount``),
never the platform's: these are in-person payments outside the site's orders.
"""

from __future__ import annotations

import re
from io import BytesIO

import qrcode
import qrcode.image.svg
from anyascii import anyascii
from vietnam_qr_pay import QRPay

from core.text import normalize

PURPOSE_MAX = 19


def purpose_text(text: str) -> str:
    """ASCII letters, digits and single spaces (what every bank app carries), at most 19 characters."""
    cleaned = re.sub(r"[^A-Za-z0-9 ]+", "", anyascii(normalize(text or "")))
    return " ".join(cleaned.split())[:PURPOSE_MAX].strip()


def static_payload(account) -> str:
    """The sign's payload for a ``BankAccount``: bank and account, no amount."""
    return QRPay.init_viet_qr(bank_bin=account.bank_bin, bank_number=account.account_number).build()


def product_payload(account, *, amount: int, purpose: str) -> str:
    """A dynamic payload for ``amount`` đồng to the stall's account."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValueError("amount must be a positive whole number of đồng")
    clean = purpose_text(purpose)
    return QRPay.init_viet_qr(
        bank_bin=account.bank_bin, bank_number=account.account_number, amount=str(amount), purpose=clean or None
    ).build()


def qr_matrix(data: str, *, border: int = 0) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.get_matrix()


def qr_svg(data: str, *, label: str) -> str:
    """An inline ``<svg>`` (one path, scales to its box) with an accessible name."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=4)
    buffer = BytesIO()
    image.save(buffer)
    svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", buffer.getvalue().decode())
    safe = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{safe}" class="qr" ', 1)

"""Trace codes, GTINs and the URL a stamp's QR carries.

A trace code is 10 characters of Crockford's base 32 (no I, L, O, U: nothing to misread on
a smudged stamp), drawn by ``secrets``: 50 bits, so a competitor who knows one batch's code
learns nothing about the next (no sequence), and guessing a published code among a
million is a one-in-a-billion shot per try.

The QR of a product with a GTIN follows GS1 Digital Link: ``/01/<gtin>/10/<lot>``, where the
lot (AI 10, up to 20 alphanumerics) is the trace code itself, not the producer's own batch
number, which is often guessable ("L01", "2025-07").
"""

from __future__ import annotations

import secrets
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
# Letters a reader may type for the ones Crockford's alphabet leaves out.
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_trace_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_trace_code(value: str) -> str | None:
    """The code as stored (upper case, misread letters mapped), or None when it cannot be one."""
    code = (value or "").strip().upper().translate(_READ_AS)
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def gtin_check_digit(body: str) -> int:
    """GS1's mod-10 check digit of the digits before it (weights 3, 1, 3 … from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def validate_gtin(value: str) -> None:
    if not value.isdigit() or len(value) not in (8, 12, 13, 14):
        raise ValidationError(_("A GTIN (barcode number) has 8, 12, 13 or 14 digits."), code="gtin_length")
    if gtin_check_digit(value[:-1]) != int(value[-1]):
        raise ValidationError(_("This GTIN's last digit (the check digit) is wrong."), code="gtin_check")


def gtin14(value: str) -> str:
    """A GTIN padded to 14 digits, as GS1 Digital Link writes it."""
    return value.zfill(14)


_MARK = "TRACECODE0"
_GTIN_MARK = "00000000000000"


@lru_cache(maxsize=1)
def _templates() -> tuple[str, str]:
    # Reversed once (feeds print thousands of these), in the default language: a printed
    # stamp outlives a visitor's choice of language.
    with translation.override(settings.LANGUAGE_CODE):
        plain = reverse("traceability:trace", kwargs={"code": _MARK})
        linked = reverse("traceability:digital-link", kwargs={"gtin": _GTIN_MARK, "code": _MARK})
    return plain, linked


def trace_path(batch) -> str:
    """The path printed in the QR: GS1 Digital Link when the batch has a GTIN, else /truy-xuat/<code>/."""
    plain, linked = _templates()
    if batch.gtin:
        return linked.replace(_GTIN_MARK, gtin14(batch.gtin)).replace(_MARK, batch.trace_code)
    return plain.replace(_MARK, batch.trace_code)


def site_base_url() -> str:
    return (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "http://localhost").rstrip("/")


def trace_url(batch, base_url: str | None = None) -> str:
    """The absolute URL a stamp's QR carries."""
    return (base_url or site_base_url()).rstrip("/") + trace_path(batch)

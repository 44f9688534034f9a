"""Vietnamese phone numbers: validated and normalised to E.164 (``+84…``) with `phonenumbers`."""

import re

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.widgets import FastInputMixin

_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
INVALID_PHONE = _("Enter a valid Vietnamese phone number, e.g. 0912 345 678.")


def normalize_vn_phone(value: str) -> str:
    """``"0912 345 678"``, ``"+84 912345678"`` or ``"84912345678"`` give ``"+84912345678"``.

    Raises ValidationError (code ``invalid_phone``) for anything that is not a valid
    Vietnamese number.
    """
    # Pasted from a chat app, a number may hold no-break or zero-width spaces: drop them all.
    raw = "".join(_INVISIBLE.sub("", value or "").split())
    if not raw:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    if raw.startswith("84") and not raw.startswith("+"):
        raw = "+" + raw
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(INVALID_PHONE, code="invalid_phone") from exc
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_vn_phone(e164: str) -> str:
    """``"+84912345678"`` → ``"0912 345 678"`` (national format), or the input unchanged."""
    try:
        number = phonenumbers.parse(e164, "VN")
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


class PhoneInput(FastInputMixin, forms.TextInput):
    """``<input type="tel">``: the type set in ``attrs`` instead would be written twice."""

    input_type = "tel"


class VietnamesePhoneField(forms.CharField):
    """A form field whose cleaned value is the E.164 number."""

    widget = PhoneInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", _("Phone number"))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        return attrs

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return ""
        return normalize_vn_phone(value)

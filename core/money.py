"""VND: integer đồng, no minor unit, shown as ``150.000 ₫``."""

import re

from django.utils.translation import gettext as _


def format_vnd(amount) -> str:
    if amount is None or amount == "":
        return ""
    value = int(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value):,}".replace(",", ".") + " ₫"


_UNITS = re.compile(r"(?:vnđ|vnd|đồng|dong|đ|₫)$")
_THOUSANDS = re.compile(r"(?:k|nghìn|nghin|ngàn|ngan)$")
# 150.000 · 1.500.000 · 1,500,000 · 150 000: groups of three digits after the first, one separator.
_GROUPED = re.compile(r"^\d{1,3}(?P<sep>[.,])\d{3}(?:(?P=sep)\d{3})*$")
_DECIMAL = re.compile(r"^\d[\d.,]*[.,]\d{1,2}$")


class PriceError(ValueError):
    """A typed price that is not a whole number of đồng; ``str()`` is the message for the person."""


def parse_vnd(typed) -> int | None:
    """A price as people type it → whole đồng; ``None`` when empty.

    ``"150000"``, ``"150.000"``, ``"150,000"``, ``"150 000"``, ``"150.000 đ"`` and ``"150k"``
    all mean 150.000 ₫. A decimal separator (``"150,5"``, ``"150.5"``, ``"12.000,50"``) is
    refused: đồng have no minor unit, and reading it as grouping would make the price 10 or
    100 times wrong without anyone noticing.
    """

    if typed is None:
        return None
    if isinstance(typed, bool):
        raise PriceError(_("Write the price in đồng with digits, e.g. 150.000."))
    if isinstance(typed, int):
        return typed
    if isinstance(typed, float):
        if not typed.is_integer():
            raise PriceError(
                _("A price in đồng has no decimals: “%(value)s” has a decimal part. Write it like 150.000 or 150000.")
                % {"value": typed}
            )
        return int(typed)
    text = str(typed).strip()
    raw = "".join(text.lower().split())
    if not raw:
        return None
    raw = _UNITS.sub("", raw)
    factor = 1
    if _THOUSANDS.search(raw):
        raw, factor = _THOUSANDS.sub("", raw), 1000
    if raw.isdigit():
        return int(raw) * factor
    spaced = " ".join(_UNITS.sub("", text.lower().strip()).split())
    if factor == 1 and re.fullmatch(r"\d{1,3}(?: \d{3})+", spaced):
        return int(raw)
    if factor == 1 and _GROUPED.match(raw):
        return int(re.sub(r"\D", "", raw))
    if _DECIMAL.match(raw) or re.fullmatch(r"\d+[.,]\d+", raw):
        raise PriceError(
            _("A price in đồng has no decimals: “%(value)s” has a decimal part. Write it like 150.000 or 150000.")
            % {"value": text}
        )
    raise PriceError(_("Write the price in đồng with digits, e.g. 150.000 (it says “%(value)s”).") % {"value": text})

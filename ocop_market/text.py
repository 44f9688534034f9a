"""Vietnamese text folding, shared by slugs and search.

Django's slugify drops "đ" ("Đặc sản" -> "ac-san"); anyascii transliterates it to "d"
and removes every tone and vowel mark, so both sides of a search compare equal.
"""

import re
import unicodedata

from anyascii import anyascii
from django.utils.text import slugify

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFC form with collapsed whitespace: NFC and NFD forms of a word compare unequal."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def fold(text: str) -> str:
    """Lower-case ASCII form of Vietnamese text: "Đường thốt nốt" -> "duong thot not"."""
    return _SPACES.sub(" ", anyascii(normalize(text)).lower()).strip()


def vi_slugify(text: str, max_length: int = 80) -> str:
    # Django's slugify keeps "_" ("banh_pia-__-soc"), and a cut could end a slug on one
    # that a second pass removes: an underscore separates words like a space here.
    return slugify(anyascii(normalize(text)).replace("_", " "))[:max_length].strip("-")


def unique_slug(model, text: str, *, instance_pk=None, field: str = "slug", max_length: int = 80) -> str:
    """A slug for `text` not yet used by another row of `model` (suffix -2, -3, ...)."""
    base = vi_slugify(text, max_length=max_length - 6) or "item"
    candidate, n = base, 1
    qs = model._default_manager.all()
    if instance_pk is not None:
        qs = qs.exclude(pk=instance_pk)
    while qs.filter(**{field: candidate}).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate

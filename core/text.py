"""Vietnamese text folding, shared by slugs and search.

Django's slugify drops "đ" ("Đặc sản" -> "ac-san"); anyascii transliterates it to "d"
and removes every tone and vowel mark, so both sides of a search compare equal.
"""

import re
import unicodedata

from anyascii import anyascii
from django.db import models
from django.utils.html import escape
from django.utils.text import slugify

_SPACES = re.compile(r"\s+")
# Characters XML 1.0 forbids even escaped (C0 controls but tab, line feed and carriage return;
# lone surrogates; U+FFFE and U+FFFF): Word's Shift+Enter pastes U+000B, and one of them in a
# name makes a whole XML feed unreadable.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_forbidden(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return XML_FORBIDDEN.sub("", text)


def safe_text(text: str) -> str:
    """Typed text as stored: NFC (a name typed decomposed matches the same name composed)
    and without the characters XML 1.0 forbids. Whitespace is left as typed."""
    if not text:
        return text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return XML_FORBIDDEN.sub("", text)


def normalize(text: str) -> str:
    """NFC form with collapsed whitespace: NFC and NFD forms of a word compare unequal."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def fold(text: str) -> str:
    """Lower-case ASCII form of Vietnamese text: "Đường thốt nốt" -> "duong thot not"."""
    return _SPACES.sub(" ", anyascii(normalize(text)).lower()).strip()


_NOT_WORD = re.compile(r"[^a-z0-9]+")


def title_words(*texts: str) -> str:
    """Folded words between single spaces, with a space at each end: " tra atiso tui loc ".

    A whole word ``w`` is then the substring " w ", which every database's LIKE can test.
    """
    words = _NOT_WORD.sub(" ", fold(" ".join(t for t in texts if t))).split()
    return f" {' '.join(words)} " if words else ""


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


# The apps whose models hold what people type; Django's and Wagtail's own models (users,
# images, revisions) are left as they are.
TYPED_TEXT_APPS = frozenset({"producers", "catalog", "cms", "onboarding", "orders", "feeds", "traceability"})
# Values that are not prose: secrets and digests must keep their exact bytes.
UNTOUCHED_FIELDS = frozenset({"signing_secret", "token_hash", "password", "idempotency_key"})
_TEXT_FIELDS: dict = {}


def _text_fields(model) -> list[str]:
    names = _TEXT_FIELDS.get(model)
    if names is None:
        names = _TEXT_FIELDS[model] = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and f.name not in UNTOUCHED_FIELDS
        ]
    return names


def clean_typed_text(sender, instance, raw=False, **kwargs):
    """pre_save of every model of the project's apps: every text field as :func:`safe_text`
    makes it (NFC, no character XML 1.0 forbids), whichever form, service or import saved it."""
    if raw or sender._meta.app_label not in TYPED_TEXT_APPS:
        return
    for name in _text_fields(sender):
        value = getattr(instance, name)
        if value and isinstance(value, str):
            cleaned = safe_text(value)
            if cleaned is not value and cleaned != value:
                setattr(instance, name, cleaned)


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def plain_text_to_rich_text(text: str) -> str:
    """Plain text typed by a household → the paragraphs of a RichTextField (escaped).

    One ``<p>`` per paragraph (text between blank lines), a single line break inside one as
    ``<br/>``: the form Wagtail's rich-text editor stores and loads. Django's ``linebreaks``
    writes an unclosed ``<br>``, which the editor refuses ("Unmatched tags"), so the admin's
    edit page of such a stall or product could not be opened.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = []
    for block in _BLANK_LINE.split(text):
        lines = [escape(line.strip()) for line in block.split("\n") if line.strip()]
        if lines:
            paragraphs.append(f"<p>{'<br/>'.join(lines)}</p>")
    return "".join(paragraphs)

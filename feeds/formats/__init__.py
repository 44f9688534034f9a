"""Feed formats: each module turns FeedRows into text, item by item.

A format module provides ``CONTENT_TYPE``, ``FILE_NAME``, ``header(ctx)``,
``item(row, price, ctx)``, ``deletion(deletion, ctx)`` and ``footer(ctx, stats)``, all
returning ``str``. Shared helpers (absolute URLs, plain-text descriptions, what a
product must have to be listed) live here so that every format agrees.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import filepath_to_uri
from django.utils.functional import empty

from ..models import FeedRunExclusion

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\s*\n\s*")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|div|ul|ol)>|<br\s*/?>", re.IGNORECASE)
# Characters XML 1.0 forbids, even escaped: a pasted control character must not break the feed.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

DESCRIPTION_MAX = 5000
TITLE_MAX = 150
_SLUG_MARK = "--feed-slug--"


def plain_text(rich: str) -> str:
    """Rich text (Wagtail's HTML) as plain text: paragraphs become lines, entities decoded."""
    if not rich:
        return ""
    if "<" in rich:
        rich = _BLOCK_END.sub("\n", rich)
        rich = _TAG.sub("", rich)
    text = html.unescape(rich)
    text = _LINES.sub("\n", _SPACE.sub(" ", text)).strip()
    return _XML_INVALID.sub("", text)


def clean(text: str) -> str:
    return _XML_INVALID.sub("", text or "")


def description_of(row) -> str:
    return (plain_text(row.description) or clean(row.short_description).strip())[:DESCRIPTION_MAX]


def exclusion_reason(row, description: str) -> str | None:
    """Why a product cannot be listed (a reason code), or None: every format needs all three."""
    if not row.price:
        return FeedRunExclusion.Reason.NO_PRICE
    if not row.images:
        return FeedRunExclusion.Reason.NO_IMAGE
    if not description:
        return FeedRunExclusion.Reason.NO_DESCRIPTION
    return None


def iso(value: datetime.datetime | datetime.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


@dataclass
class FeedContext:
    """Everything a format needs beside the row, computed once per run."""

    partner: object
    fmt: str
    since: datetime.datetime | None
    generated_at: datetime.datetime
    categories: dict  # id -> Category
    mappings: dict  # category id -> partner's category
    base_url: str = ""
    _product_url: str = ""
    _stall_url: str = ""
    _paths: dict = field(default_factory=dict)

    def __post_init__(self):
        self.base_url = (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "http://localhost").rstrip("/")
        self._origin_only = urlsplit(self.base_url).path == ""
        self._media_prefix = _media_prefix()
        # Reversed once in the default language (served without a prefix); slugs are
        # substituted per product, so 100,000 links cost no 100,000 reverse() calls.
        with translation.override(settings.LANGUAGE_CODE):
            self._product_url = self.absolute(reverse("catalog:product-detail", kwargs={"slug": _SLUG_MARK}))
            self._stall_url = self.absolute(reverse("catalog:stall-detail", kwargs={"slug": _SLUG_MARK}))

    def absolute(self, url: str) -> str:
        if url.startswith(("http://", "https://")):
            return url
        if self._origin_only and url.startswith("/") and not url.startswith("//") and "/." not in url:
            # What urljoin gives for a plain absolute path on a bare origin, without its
            # parsing: a feed asks this once or more per product.
            return self.base_url + url
        return urljoin(self.base_url + "/", url)

    def product_url(self, slug: str) -> str:
        return self._product_url.replace(_SLUG_MARK, slug)

    def stall_url(self, slug: str) -> str:
        return self._stall_url.replace(_SLUG_MARK, slug) if slug else ""

    def image_url(self, name: str) -> str:
        if self._media_prefix and "/." not in name and ":" not in name and not name.startswith(("/", ".")):
            # FileSystemStorage.url() without its urljoin: the same URL for a stored name.
            return self.absolute(self._media_prefix + filepath_to_uri(name))
        return self.absolute(default_storage.url(name))

    def category_path(self, category_id: int) -> list[str]:
        """Names from the top group down to the product's category."""
        path = self._paths.get(category_id)
        if path is None:
            names, cat, seen = [], self.categories.get(category_id), set()
            while cat is not None and cat.pk not in seen:
                seen.add(cat.pk)
                names.append(cat.name)
                cat = self.categories.get(cat.parent_id)
            path = self._paths[category_id] = names[::-1]
        return path

    def external_category(self, category_id: int) -> str:
        """The partner's category for ours, or for the nearest parent that has one."""
        cat, seen = self.categories.get(category_id), set()
        while cat is not None and cat.pk not in seen:
            seen.add(cat.pk)
            if cat.pk in self.mappings:
                return self.mappings[cat.pk]
            cat = self.categories.get(cat.parent_id)
        return ""


def sale_of(price) -> tuple[int, str] | None:
    """(sale price, effective interval) while a promotion lowers the price, else None."""
    if not price.on_sale:
        return None
    offer = price.offer
    interval = ""
    if offer.ends_at is not None:
        interval = f"{iso(offer.starts_at or timezone.now())}/{iso(offer.ends_at)}"
    return price.final, interval


def brand_of(row) -> str:
    """The stall's name, as the product page's schema.org ``brand`` shows (the producer's
    legal name, "Hộ kinh doanh …", only for a producer without a stall name)."""
    return row.stall_name or row.producer_name


def stars_label(stars: int | None) -> str:
    return f"OCOP {stars} sao" if stars else ""


def get_format(fmt: str):
    # A cycle: each format imports its helpers from this package.
    from . import csv_meta, google, json_feed

    return {"google": google, "csv": csv_meta, "json": json_feed}[fmt]


def _media_prefix() -> str:
    """The media URL prefix when files are on the local file system storage (else "")."""

    if default_storage._wrapped is empty:
        default_storage._setup()
    storage = default_storage._wrapped
    if not isinstance(storage, FileSystemStorage):
        return ""
    prefix = storage.base_url or ""
    return prefix if prefix.endswith("/") and ":" not in prefix else ""

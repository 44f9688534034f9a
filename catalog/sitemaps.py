"""Sitemap sections for the catalog: published products and stalls, one section per language.

The catalog can hold 100,000 products, so each section reads only the slug and the
modification date, pages through the rows by primary key, and builds URLs from a
pattern reversed once per language instead of once per row.
"""

from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import translation

from producers.models import Stall

from .models import Product

_SLUG = "sitemap-slug-placeholder"


class CatalogSitemap(Sitemap):
    """The URLs of one model in one language, each with its hreflang alternates."""

    limit = 10_000
    url_name = ""

    def __init__(self, language: str):
        self.language = language

    def queryset(self):
        raise NotImplementedError

    def items(self):
        return self.queryset().order_by("pk").values_list("slug", "updated_at")

    def get_latest_lastmod(self):
        return self.queryset().aggregate(latest=Max("updated_at"))["latest"]

    def _patterns(self, origin: str) -> dict[str, tuple[str, str]]:
        """{language: (before the slug, after the slug)} as absolute URLs."""
        patterns = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                before, after = reverse(self.url_name, kwargs={"slug": _SLUG}).split(_SLUG)
            patterns[code] = (origin + before, after)
        return patterns

    def _urls(self, page, protocol, domain):
        patterns = self._patterns(f"{protocol}://{domain}")
        before, after = patterns[self.language]
        default_before, default_after = patterns[settings.LANGUAGE_CODE]
        urls = []
        latest = None
        for slug, updated_at in self.paginator.page(page).object_list:
            alternates = [
                {"location": f"{prefix}{slug}{suffix}", "lang_code": code}
                for code, (prefix, suffix) in patterns.items()
            ]
            alternates.append({"location": f"{default_before}{slug}{default_after}", "lang_code": "x-default"})
            urls.append(
                {
                    "item": slug,
                    "location": f"{before}{slug}{after}",
                    "lastmod": updated_at,
                    "changefreq": None,
                    "priority": "",
                    "alternates": alternates,
                }
            )
            if latest is None or updated_at > latest:
                latest = updated_at
        if latest is not None:
            self.latest_lastmod = latest
        return urls


class ProductSitemap(CatalogSitemap):
    url_name = "catalog:product-detail"

    def queryset(self):
        return Product.objects.published()


class StallSitemap(CatalogSitemap):
    url_name = "catalog:stall-detail"

    def queryset(self):
        return Stall.objects.published()


def sitemaps() -> dict[str, Callable[[], Sitemap]]:
    """Sections named ``products-vi``, ``products-en``, ``stalls-vi``, ``stalls-en``.

    Factories rather than instances: Django's views call them, so no state is shared
    between requests.
    """
    sections: dict[str, Callable[[], Sitemap]] = {}
    for name, cls in (("products", ProductSitemap), ("stalls", StallSitemap)):
        for code, _name in settings.LANGUAGES:
            sections[f"{name}-{code}"] = partial(cls, code)
    return sections

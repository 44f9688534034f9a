"""The Wagtail pages' sitemap section: live, public, unexpired pages of every locale's tree.

Wagtail's own sitemap lists the default site's tree only; with translations the English
home page is a sibling of the Vietnamese one, so every translation of the site's root is
walked. Each URL carries hreflang alternates to the page's live translations.
"""

from collections import defaultdict

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class PageSitemap(Sitemap):
    limit = 5_000

    def _roots(self):
        root = self.get_wagtail_site().root_page
        if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            return [root]
        # A draft translation of the home page is never served: Page.localized falls back.
        return [root, *root.get_translations().live()]

    def pages(self):
        """Routable pages that anyone may see today, as plain ``Page`` rows."""
        if getattr(self, "_pages", None) is None:
            self._pages = self._routable_pages()
        return self._pages.all()

    def _routable_pages(self):
        in_tree = Q()
        for root in self._roots():
            in_tree |= Q(path__startswith=root.path)
        # A page past its expiry stays live until publish_scheduled runs: leave it out already.
        return Page.objects.filter(in_tree).live().public().exclude(expire_at__lte=timezone.now()).order_by("path")

    def items(self):
        # Plain Page rows are enough: no page type here routes or builds its URL its own way.
        return self.pages()

    def get_latest_lastmod(self):
        return self.pages().aggregate(latest=Max("last_published_at"))["latest"]

    def _translations(self, pages) -> dict:
        """{translation_key: [(language code, absolute URL)]} of the live, public pages."""
        found = defaultdict(list)
        rows = (
            Page.objects.filter(translation_key__in={page.translation_key for page in pages})
            .live()
            .public()
            .exclude(expire_at__lte=timezone.now())
            .select_related("locale")
            .only("url_path", "translation_key", "locale__language_code")
            .order_by("locale__language_code")
        )
        for row in rows:
            url = row.get_url(self.request)
            if url is not None:
                found[row.translation_key].append((row.locale.language_code, self.request.build_absolute_uri(url)))
        return found

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)
        translations = self._translations(pages)
        urls = []
        latest = None
        for item in pages:
            url = item.get_url(self.request)
            if url is None:  # not under any site: nothing to list
                continue
            lastmod = item.last_published_at or item.latest_revision_created_at
            versions = translations.get(item.translation_key, [])
            alternates = (
                [{"location": location, "lang_code": code} for code, location in versions] if len(versions) > 1 else []
            )
            urls.append(
                {
                    "item": item,
                    "location": self.request.build_absolute_uri(url),
                    "lastmod": lastmod,
                    "changefreq": None,
                    "priority": "",
                    "alternates": alternates,
                }
            )
            if lastmod is not None and (latest is None or lastmod > latest):
                latest = lastmod
        if latest is not None:
            self.latest_lastmod = latest
        return urls

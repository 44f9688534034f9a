"""Search and sharing meta for Wagtail pages: title, description, Open Graph image,
canonical URL and hreflang links to the page's translations.

Used by ``templates/base.html`` and ``templates/includes/og_tags.html``; both ask for the
same page, so the answer is kept on the page object (one set of queries per request).
"""

from django import template
from django.conf import settings
from wagtail.models import Page

from catalog.templatetags.storefront import translated_path
from cms.cache import DEFAULT_TIMEOUT, cached
from core.i18n import in_interface_language, interface_only_languages

register = template.Library()

# Each language named in its own script, so a reader finds theirs without reading the others.
NATIVE_NAMES = {"vi": "Tiếng Việt", "km": "ភាសាខ្មែរ", "en": "English"}

# Facebook and Zalo crop shared pictures to about 1.91:1.
OG_RENDITION = "fill-1200x630"
# Pictures a page type may have, in order of preference, when no Open Graph image is set.
FALLBACK_IMAGE_FIELDS = ("cover", "banner", "hero_image")


def _absolute(request, url):
    if not url:
        return ""
    return request.build_absolute_uri(url) if request is not None else url


def _image_url(request, page):
    for name in ("og_image", *FALLBACK_IMAGE_FIELDS):
        image = getattr(page, name, None)
        if image is None:
            continue
        try:
            return _absolute(request, image.get_rendition(OG_RENDITION).url)
        except OSError:  # a missing source file must not break the page
            continue
    return ""


def _alternates(request, page):
    """[(language code, absolute URL)] of the page's live translations, x-default last.

    Empty when the page exists in one language only: then it has no alternate.
    """
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False) or not page.translation_key:
        return []
    # Wagtail caches the sites' root paths, one per translation of each home page: with a
    # single language served there is nothing to look up. Read through the page with the
    # request, they are the copy page.get_url(request) keeps on it, not another cache read.
    if len({root.language_code for root in page._get_site_root_paths(request)}) < 2:
        return []
    found = [(code, _absolute(request, url)) for code, url in _translation_urls(request, page.translation_key)]
    if len(found) < 2:
        return []
    default = next((url for code, url in found if code == settings.LANGUAGE_CODE), None)
    if default:
        found.append(("x-default", default))
    return found


def _translation_urls(request, translation_key):
    """[(language code, URL)] of the live pages sharing ``translation_key``: one query, then
    cached per host (cms.cache: any page change drops it)."""

    def build():
        versions = (
            Page.objects.filter(translation_key=translation_key)
            .live()
            .select_related("locale")
            .only("url_path", "translation_key", "locale__language_code")
            .order_by("locale__language_code")
        )
        urls = [(version.locale.language_code, version.get_url(request)) for version in versions]
        return [(code, url) for code, url in urls if url], DEFAULT_TIMEOUT

    host = request.get_host() if request is not None else ""
    return cached(f"translations:{host}:{translation_key}", build)


@register.simple_tag(takes_context=True)
def page_seo(context):
    """A dict of the meta of the Wagtail page being rendered, or None for other views.

    ``title`` (seo_title, else title), ``description`` (search_description),
    ``image`` (absolute URL of a 1200×630 rendition of the Open Graph image, else of the
    page's cover, banner or hero image, else ""), ``canonical`` (absolute URL of the
    page), ``alternates`` (see ``_alternates``).
    """
    page = context.get("page")
    if not isinstance(page, Page):
        return None
    cached = getattr(page, "_seo_meta", None)
    if cached is not None:
        return cached
    request = context.get("request")
    url = page.get_url(request) if page.url_path else None  # a page previewed before its first save has none
    meta = {
        "title": page.seo_title or page.title,
        "description": page.search_description,
        "image": _image_url(request, page),
        "canonical": _absolute(request, url),
        "alternates": _alternates(request, page) if page.pk else [],
    }
    page._seo_meta = meta
    return meta


@register.simple_tag(takes_context=True)
def language_url(context, language):
    """The current URL in another language, for language switchers.

    On a Wagtail page with a live translation in ``language``: that translation's URL
    (its slugs may differ). Elsewhere: the same path with the other language's prefix.
    """
    meta = page_seo(context)
    for code, url in meta["alternates"] if meta else []:
        if code == language:
            return url
    return translated_path(context, language)


@register.simple_tag(takes_context=True)
def language_switch_url(context, language):
    """Where the language switcher sends a reader who picks ``language``.

    For an interface-only language (Khmer, which has no pages of its own): the page's
    default-language version under that language's prefix, since the prefix alone on an
    English page's slugs would find no page.
    """
    if language in interface_only_languages():
        return in_interface_language(language_url(context, settings.LANGUAGE_CODE), language)
    return language_url(context, language)


@register.simple_tag
def language_choices():
    """[(code, name in its own script)] of the site's languages, in settings order."""
    return [(code, NATIVE_NAMES.get(code, str(name))) for code, name in settings.LANGUAGES]

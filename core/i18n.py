"""Interface-only languages: Khmer menus and buttons over the Vietnamese content.

Wagtail keeps pages in the content languages (``WAGTAIL_CONTENT_LANGUAGES``); a language
that is in ``LANGUAGES`` only has no page tree of its own. Under its prefix (``/km/``)
Wagtail serves the default tree (``Locale.get_active()`` falls back), but Wagtail builds
those pages' URLs in the page's own language, without the prefix: a Khmer reader who
followed a menu link would land on the Vietnamese interface. ``in_interface_language``
puts the prefix back.
"""

from functools import cache
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils.translation import get_language


@cache
def interface_only_languages() -> frozenset[str]:
    content = {code for code, _name in getattr(settings, "WAGTAIL_CONTENT_LANGUAGES", settings.LANGUAGES)}
    return frozenset(code for code, _name in settings.LANGUAGES if code not in content)


@cache
def _prefixes() -> tuple[str, ...]:
    return tuple(f"/{code}/" for code, _name in settings.LANGUAGES)


def in_interface_language(url: str | None, language: str | None = None) -> str | None:
    """``url`` (a default-language path such as ``/gioi-thieu/``) under ``language``'s prefix.

    ``language`` defaults to the active one. Unchanged for a content language and for a
    path that already carries a language prefix. Only for the site's own URLs.
    """
    language = language or get_language()
    if not url or language not in interface_only_languages():
        return url
    parts = urlsplit(url)
    if not parts.path.startswith("/") or parts.path.startswith(_prefixes()):
        return url
    return urlunsplit(parts._replace(path=f"/{language}{parts.path}"))

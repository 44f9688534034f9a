"""Template helpers for the CMS pages: their picture sizes and the menu from the page tree."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.templatetags.wagtailcore_tags import pageurl

from catalog.templatetags.storefront import rendition
from core.i18n import in_interface_language

from .. import queries
from ..cache import DEFAULT_TIMEOUT, cached

register = template.Library()

# Roles of the CMS pictures; the specs live in cms.queries, next to the prefetches.
RENDITIONS = {
    "content": queries.CONTENT_IMAGE_RENDITION,
    "article_card": queries.ARTICLE_CARD_RENDITION,
    "article_cover": queries.ARTICLE_COVER_RENDITION,
    "promotion_card": queries.PROMOTION_CARD_RENDITION,
}


@register.simple_tag
def cms_image(image, role, alt="", css_class="", lazy=True):
    """``<img>`` for a rendition of a CMS picture (a placeholder when there is none)."""
    return rendition(image, RENDITIONS[role], alt=alt, css_class=css_class, lazy=lazy)


@register.simple_tag(takes_context=True)
def menu_pages(context):
    """The site's pages shown in menus (show_in_menus), loaded once per request."""
    return queries.menu_pages(context.get("request"))


@register.simple_tag(takes_context=True)
def site_settings(context):
    """The site settings (site name, contacts, social links, footer), cached between requests."""
    return queries.site_settings(context.get("request"))


@register.simple_tag(takes_context=True)
def legal_links(context):
    """The policy pages the law requires, in this language: ``[{"kind", "title", "url"}]``."""
    return queries.legal_links(context.get("request"))


# What a buyer agrees to by placing an order, named next to the button.
CONSENT_KINDS = ("terms", "privacy", "returns")


@register.simple_tag(takes_context=True)
def consent_links(context):
    links = {link["kind"]: link for link in queries.legal_links(context.get("request"))}
    return [links[kind] for kind in CONSENT_KINDS if kind in links]


@register.filter
def in_section(page, section) -> bool:
    """Whether ``page`` is ``section`` or below it in the page tree (for aria-current)."""
    path = getattr(page, "path", None)
    return bool(path and section is not None and path.startswith(section.path))


@register.filter
def tag_key(tag) -> str:
    """A tag's key for ``?tag=`` links: its name with diacritics folded."""
    return queries.tag_key(tag.name)


@register.simple_tag(takes_context=True)
def ui_pageurl(context, page):
    """``{% pageurl %}`` that keeps a Khmer reader on Khmer menus (see core.i18n)."""
    return in_interface_language(pageurl(context, page))


class ReferenceFragmentNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)

        def build():
            return mark_safe(self.nodelist.render(context)), DEFAULT_TIMEOUT

        return cached(f"fragment:{self.name}:{request.get_host()}:{get_language()}", build)


@register.tag
def reference_fragment(parser, token):
    """``{% reference_fragment "name" %}…{% endreference_fragment %}``: HTML rendered once per
    host and language until the CMS content changes (cms.cache), then copied into each page.

    Only for markup made of the CMS's reference data (site settings, policy pages, menus),
    translations and URLs: nothing of the request, the visitor or the page may go inside, since
    the first request's rendering is served to every other. Each page's footer cost 0.28 ms to
    render, a sixteenth of a trace page (in-process, the bench's SQLite database).
    """
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one quoted name")
    nodelist = parser.parse(("endreference_fragment",))
    parser.delete_first_token()
    return ReferenceFragmentNode(bits[1][1:-1], nodelist)

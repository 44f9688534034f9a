"""Pictures and sound for households who read little: inline SVG icons and the listen button.

Icons are inline SVG (no icon font: nothing to download, nothing that breaks without the
font) and hidden from screen readers, since the words next to them say the same thing.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from core.i18n import in_interface_language

register = template.Library()

# 24×24 stroke drawings (paths in the style of the Feather/Lucide set, drawn here by hand).
_ICONS = {
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4 4-6 8-6s8 2 8 6"/>',
    "key": '<circle cx="8" cy="15" r="4"/><path d="M11 12l9-9M17 6l3 3M15 8l2 2"/>',
    "login": '<path d="M15 3h4a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2h-4"/><path d="M10 17l5-5-5-5M15 12H3"/>',
    "logout": '<path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4"/><path d="M16 17l5-5-5-5M21 12H9"/>',
    "store": '<path d="M3 9l2-5h14l2 5"/><path d="M3 9h18v2a3 3 0 0 1-6 0 3 3 0 0 1-6 0 3 3 0 0 1-6 0z"/>'
    '<path d="M5 13v8h14v-8M10 21v-5h4v5"/>',
    "map-pin": '<path d="M12 22s7-6.5 7-12a7 7 0 0 0-14 0c0 5.5 7 12 7 12z"/><circle cx="12" cy="10" r="2.5"/>',
    "box": '<path d="M21 8l-9-5-9 5 9 5 9-5z"/><path d="M3 8v8l9 5 9-5V8M12 13v8"/>',
    "camera": '<path d="M4 7h3l2-3h6l2 3h3a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z"/>'
    '<circle cx="12" cy="13" r="4"/>',
    "document": '<path d="M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8z"/>'
    '<path d="M14 3v5h5M8 13h8M8 17h6"/>',
    "check": '<path d="M4 12l5 5L20 6"/>',
    "eye": '<path d="M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/>',
    "send": '<path d="M22 2L11 13"/><path d="M22 2l-7 20-4-9-9-4z"/>',
    "save": '<path d="M5 3h11l5 5v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1z"/>'
    '<path d="M7 3v6h9V3M7 21v-7h10v7"/>',
    "undo": '<path d="M9 14L4 9l5-5"/><path d="M4 9h11a5 5 0 0 1 0 10h-3"/>',
    "plus": '<path d="M12 5v14M5 12h14"/>',
    "trash": '<path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13"/>',
    "bell": '<path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4z"/><path d="M10 21h4"/>',
    "message": '<path d="M4 4h16v12H8l-4 4z"/>',
    "list": '<path d="M9 6h11M9 12h11M9 18h11"/><circle cx="4.5" cy="6" r="1"/><circle cx="4.5" cy="12" r="1"/>'
    '<circle cx="4.5" cy="18" r="1"/>',
    "truck": '<path d="M2 6h12v10H2zM14 10h4l3 3v3h-7z"/><circle cx="6" cy="18" r="2"/><circle cx="17" cy="18" r="2"/>',
    "printer": '<path d="M6 9V3h12v6"/>'
    '<path d="M6 17H4a1 1 0 0 1-1-1v-6a1 1 0 0 1 1-1h16a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1h-2"/>'
    '<path d="M6 14h12v7H6z"/>',
    "qr": '<path d="M3 3h7v7H3zM14 3h7v7h-7zM3 14h7v7H3zM14 14h3v3h-3zM18 18h3v3h-3zM14 20h2M20 14v2"/>',
    "leaf": '<path d="M5 21c0-9 5-15 15-16-1 10-7 15-15 16z"/><path d="M5 21l8-8"/>',
    "cart": '<circle cx="9" cy="20" r="1.5"/><circle cx="18" cy="20" r="1.5"/><path d="M2 3h3l3 12h11l2-8H6"/>',
    "cash": '<path d="M2 6h20v12H2z"/><circle cx="12" cy="12" r="3"/><path d="M6 9v6M18 9v6"/>',
    "search": '<circle cx="11" cy="11" r="7"/><path d="M21 21l-5-5"/>',
    "speaker": '<path d="M4 9h4l5-4v14l-5-4H4z"/><path d="M16 9a4 4 0 0 1 0 6M19 6a8 8 0 0 1 0 12"/>',
    "globe": '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3a14 14 0 0 1 0 18 14 14 0 0 1 0-18"/>',
    "home": '<path d="M3 11l9-8 9 8"/><path d="M5 10v10h14V10M10 20v-6h4v6"/>',
    "filter": '<path d="M3 5h18l-7 8v6l-4 2v-8z"/>',
}


@register.simple_tag
def icon(name, css_class=""):
    """``<svg>`` for ``name``, decorative: the visible words next to it carry the meaning."""
    body = _ICONS[name]
    return format_html(
        '<svg class="ic{}" viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" '
        'stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">'
        "{}</svg>",
        f" {css_class}" if css_class else "",
        mark_safe(body),
    )


@register.inclusion_tag("includes/listen.html", takes_context=True)
def listen_button(context, target="#main"):
    """The "listen" button: hidden until static/js/listen.js finds a voice for the page's language.

    Without JavaScript, or on a phone with no voice for the language, nobody sees it.
    """
    return {"target": target, "label": pgettext("read aloud", "Listen")}


# The picture of each listing step (onboarding's step slugs), shown next to its title.
STEP_ICONS = {
    "producer": "user",
    "stall": "store",
    "address": "map-pin",
    "products": "box",
    "photos": "camera",
    "documents": "document",
    "payment": "cash",
    "review": "send",
    "quick": "store",
    "quick-product": "box",
}


@register.simple_tag
def step_icon(step, css_class=""):
    """The icon of a listing step (nothing for an unknown step)."""
    name = STEP_ICONS.get(str(step))
    return icon(name, css_class) if name else ""


@register.filter
def ui_url(url):
    """A site URL kept in the reader's interface language (``/km/…`` on Khmer pages)."""

    return in_interface_language(url)

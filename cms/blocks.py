"""StreamField blocks editors compose pages with. No raw-HTML block."""

import copy
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "ol", "ul", "link", "document-link"]


# --- choosers that take rows the page has loaded already ---------------------------------------

_loaded_rows: ContextVar[dict | None] = ContextVar("cms_loaded_rows", default=None)


@contextmanager
def rows_loaded(*row_lists):
    """While converting a stream, chooser blocks take these rows (by model and id) instead of
    loading them again: the home page's cards, and the pages of the menu.

    The rows are handed out as they are, not copied: the menu's are shared by the requests of
    this process (cms.queries.menu_pages), so a block only reads its chosen rows.
    """
    found = {}
    for rows in row_lists:
        for row in rows:
            found.setdefault(type(row), {})[row.pk] = row
    token = _loaded_rows.set(found)
    try:
        yield
    finally:
        _loaded_rows.reset(token)


class _LoadedRows:
    """A chooser block stored and edited as Wagtail's (same JSON, same admin widget).

    Wagtail converts a stream's choosers with one ``in_bulk`` of full rows per model; inside
    :func:`rows_loaded` the rows loaded there are used as they are, and only the others (a
    product unpublished since it was chosen, a page not in the menu) are loaded. Elsewhere
    (the admin, a preview, another page) it converts as Wagtail does.
    """

    def bulk_to_python(self, values):
        loaded = (_loaded_rows.get() or {}).get(self.model_class)
        if not loaded:
            return super().bulk_to_python(values)
        values = list(values)
        others = list(dict.fromkeys(pk for pk in values if pk is not None and pk not in loaded))
        rows = dict(loaded)
        if others:
            rows.update(zip(others, super().bulk_to_python(others), strict=True))
        result, seen = [], set()
        for pk in values:
            row = rows.get(pk)
            if row is not None and pk in seen:
                row = copy.copy(row)  # as Wagtail does: each item of a list its own object
            result.append(row)
            seen.add(pk)
        return result


class LoadedSnippetChooserBlock(_LoadedRows, SnippetChooserBlock):
    pass


class LoadedPageChooserBlock(_LoadedRows, blocks.PageChooserBlock):
    pass


# Migrations see the blocks Wagtail stores: the stored data and the admin form are unchanged.
DECONSTRUCT_ALIASES = {
    LoadedSnippetChooserBlock: "wagtail.snippets.blocks.SnippetChooserBlock",
    LoadedPageChooserBlock: "wagtail.blocks.PageChooserBlock",
}


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("text"), max_length=120)
    size = blocks.ChoiceBlock(
        label=_("size"), choices=[("h2", _("Large")), ("h3", _("Medium"))], default="h2", required=False
    )

    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"
        label = _("Heading")
        preview_value = {"text": "Đặc sản mùa Tết", "size": "h2"}


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        template = "cms/blocks/image.html"
        label = _("Image with caption")


class ProductCarouselValue(blocks.StructValue):
    """A carousel's products as priced storefront cards, in the editor's order.

    The page may hand in cards it loaded together with others (the home page loads all
    its products in one query); otherwise they are loaded here, in a fixed number of queries.
    """

    def product_ids(self) -> list[int]:
        return [product.pk for product in self.get("products") or [] if product is not None]

    def set_cards(self, cards) -> None:
        self._cards = list(cards)

    def cards(self):
        if getattr(self, "_cards", None) is None:
            # A cycle: cms.queries imports cms.models, which imports these blocks.
            from .queries import product_cards_in_order

            self._cards = product_cards_in_order(self.product_ids())
        return self._cards


class ProductCarouselBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    products = blocks.ListBlock(LoadedSnippetChooserBlock("catalog.Product"), label=_("products"), max_num=24)

    class Meta:
        icon = "list-ul"
        template = "cms/blocks/product_carousel.html"
        label = _("Product carousel")
        value_class = ProductCarouselValue


class StallCarouselValue(blocks.StructValue):
    def stall_ids(self) -> list[int]:
        return [stall.pk for stall in self.get("stalls") or [] if stall is not None]

    def set_cards(self, cards) -> None:
        self._cards = list(cards)

    def cards(self):
        if getattr(self, "_cards", None) is None:
            # A cycle: cms.queries imports cms.models, which imports these blocks.
            from .queries import stall_cards_in_order

            self._cards = stall_cards_in_order(self.stall_ids())
        return self._cards


class StallCarouselBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    stalls = blocks.ListBlock(LoadedSnippetChooserBlock("producers.Stall"), label=_("stalls"), max_num=12)

    class Meta:
        icon = "group"
        template = "cms/blocks/stall_carousel.html"
        label = _("Stall carousel")
        value_class = StallCarouselValue


class CallToActionValue(blocks.StructValue):
    def href(self, request=None) -> str:
        """The chosen page's URL, else the web address; empty when neither is set."""
        page = self.get("page")
        if page is not None and page.live:
            return page.get_url(request) or ""
        return self.get("url") or ""


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False, max_length=400)
    page = LoadedPageChooserBlock(label=_("link to a page"), required=False)
    url = blocks.URLBlock(label=_("or a web address"), required=False)
    button = blocks.CharBlock(label=_("button label"), max_length=40)

    class Meta:
        icon = "pick"
        template = "cms/blocks/call_to_action.html"
        label = _("Call to action")
        value_class = CallToActionValue
        preview_value = {"title": "Mua sắm Tết", "text": "Đặc sản OCOP giao tận nhà.", "button": "Xem ngay"}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        # The page's URL with the request: Wagtail keeps the sites' root paths on it, where
        # without one it reads them from the cache (a round trip to Redis) on every call.
        context["href"] = value.href((parent_context or {}).get("request"))
        return context


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Rich text"), features=RICH_TEXT_FEATURES, icon="pilcrow", template="cms/blocks/paragraph.html"
    )
    image = ImageWithCaptionBlock()
    product_carousel = ProductCarouselBlock()
    stall_carousel = StallCarouselBlock()
    call_to_action = CallToActionBlock()


class LegalStreamBlock(blocks.StreamBlock):
    """A policy's text: headings and paragraphs only (no products, no carousels)."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Rich text"), features=RICH_TEXT_FEATURES, icon="pilcrow", template="cms/blocks/paragraph.html"
    )

"""StreamField blocks editors compose pages with. No raw-HTML block."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "ol", "ul", "link", "document-link"]


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
    products = blocks.ListBlock(SnippetChooserBlock("catalog.Product"), label=_("products"), max_num=24)

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
    stalls = blocks.ListBlock(SnippetChooserBlock("producers.Stall"), label=_("stalls"), max_num=12)

    class Meta:
        icon = "group"
        template = "cms/blocks/stall_carousel.html"
        label = _("Stall carousel")
        value_class = StallCarouselValue


class CallToActionValue(blocks.StructValue):
    def href(self) -> str:
        """The chosen page's URL, else the web address; empty when neither is set."""
        page = self.get("page")
        if page is not None and page.live:
            return page.url or ""
        return self.get("url") or ""


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False, max_length=400)
    page = blocks.PageChooserBlock(label=_("link to a page"), required=False)
    url = blocks.URLBlock(label=_("or a web address"), required=False)
    button = blocks.CharBlock(label=_("button label"), max_length=40)

    class Meta:
        icon = "pick"
        template = "cms/blocks/call_to_action.html"
        label = _("Call to action")
        value_class = CallToActionValue
        preview_value = {"title": "Mua sắm Tết", "text": "Đặc sản OCOP giao tận nhà.", "button": "Xem ngay"}


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

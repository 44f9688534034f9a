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


class ProductCarouselBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    products = blocks.ListBlock(SnippetChooserBlock("catalog.Product"), label=_("products"), max_num=24)

    class Meta:
        icon = "list-ul"
        template = "cms/blocks/product_carousel.html"
        label = _("Product carousel")


class StallCarouselBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    stalls = blocks.ListBlock(SnippetChooserBlock("producers.Stall"), label=_("stalls"), max_num=12)

    class Meta:
        icon = "group"
        template = "cms/blocks/stall_carousel.html"
        label = _("Stall carousel")


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

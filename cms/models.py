from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page


class HomePage(Page):
    hero_title = models.CharField(_("hero title"), max_length=150, blank=True)
    hero_text = models.CharField(_("hero text"), max_length=300, blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("hero_title"), FieldPanel("hero_text")], heading=_("Hero")),
        InlinePanel("featured_stalls", label=_("Featured stalls"), max_num=12),
        InlinePanel("featured_products", label=_("Featured products"), max_num=24),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from catalog import queries

        context = super().get_context(request, *args, **kwargs)
        context["featured_stalls"] = queries.home_stalls(chosen_ids=[f.stall_id for f in self.featured_stalls.all()])
        context["featured_products"] = queries.home_products(
            chosen_ids=[f.product_id for f in self.featured_products.all()]
        )
        return context


class HomeFeaturedStall(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_stalls")
    stall = models.ForeignKey("producers.Stall", verbose_name=_("stall"), on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("stall")]


class HomeFeaturedProduct(Orderable):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_products")
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("product")]

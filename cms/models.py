from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import AbstractGroupApprovalTask, Orderable, Page
from wagtail.search import index

from .blocks import BaseStreamBlock


class BasePage(Page):
    """Every content page: SEO fields (Wagtail's search description) plus an Open Graph image."""

    og_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("Open Graph image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the page is shared on Facebook or Zalo; 1200×630 works best."),
    )

    promote_panels = [*Page.promote_panels, FieldPanel("og_image")]

    class Meta:
        abstract = True


class HomePage(BasePage):
    hero_title = models.CharField(_("hero title"), max_length=150, blank=True)
    hero_text = models.CharField(_("hero text"), max_length=300, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("hero_image")], heading=_("Hero")
        ),
        InlinePanel("featured_stalls", label=_("Featured stalls"), max_num=12),
        InlinePanel("featured_products", label=_("Featured products"), max_num=24),
        FieldPanel("body"),
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


class PromotionIndexPage(BasePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.PromotionPage"]
    max_count = 1

    class Meta:
        verbose_name = _("promotion index")


class PromotionPage(BasePage):
    """A time-boxed campaign: a discount on chosen products, categories, producers or provinces.

    It is on sale while the page is live (Wagtail's go-live / expiry scheduling) and the
    time is between ``starts_at`` and ``ends_at`` (Asia/Ho_Chi_Minh).
    """

    class DiscountKind(models.TextChoices):
        PERCENT = "percent", _("Percentage")
        AMOUNT = "amount", _("Fixed amount (VND) per product")

    banner = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("banner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    discount_kind = models.CharField(
        _("discount kind"), max_length=10, choices=DiscountKind.choices, default=DiscountKind.PERCENT
    )
    discount_value = models.PositiveIntegerField(
        _("discount"), help_text=_("A percentage (1–100) or an amount in đồng, by the kind above.")
    )
    limit_per_order = models.PositiveSmallIntegerField(
        _("limit per order"), null=True, blank=True, help_text=_("Most units of each product per order, if any.")
    )
    categories = ParentalManyToManyField("catalog.Category", verbose_name=_("categories"), blank=True)
    producers = ParentalManyToManyField("producers.Producer", verbose_name=_("producers"), blank=True)
    provinces = ParentalManyToManyField("producers.Province", verbose_name=_("provinces"), blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("intro")]

    content_panels = [
        *Page.content_panels,
        FieldPanel("banner"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldRowPanel([FieldPanel("discount_kind"), FieldPanel("discount_value")]),
                FieldPanel("limit_per_order"),
            ],
            heading=_("Discount"),
        ),
        MultiFieldPanel(
            [
                InlinePanel("promoted_products", label=_("Products")),
                FieldPanel("categories"),
                FieldPanel("producers"),
                FieldPanel("provinces"),
            ],
            heading=_("Applies to"),
        ),
        FieldPanel("body"),
    ]

    parent_page_types = ["cms.PromotionIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")


class PromotionProduct(Orderable):
    page = ParentalKey(PromotionPage, on_delete=models.CASCADE, related_name="promoted_products")
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("product")]


class ArticleIndexPage(BasePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ArticlePage"]
    max_count = 1

    class Meta:
        verbose_name = _("article index")


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("cms.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items")


class ArticlePage(BasePage):
    date = models.DateField(_("date"))
    author = models.CharField(_("author"), max_length=120, blank=True)
    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("tags"))
    related_stalls = ParentalManyToManyField("producers.Stall", verbose_name=_("related stalls"), blank=True)
    related_products = ParentalManyToManyField("catalog.Product", verbose_name=_("related products"), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("author")]),
        FieldPanel("intro"),
        FieldPanel("cover"),
        FieldPanel("body"),
        FieldPanel("tags"),
        FieldPanel("related_stalls"),
        FieldPanel("related_products"),
    ]

    parent_page_types = ["cms.ArticleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    site_name = models.CharField(_("site name"), max_length=100, default="OCOP Market")
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_address = models.CharField(_("contact address"), max_length=300, blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    zalo_url = models.URLField(_("Zalo"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    footer_text = models.CharField(_("footer text"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("site settings")


class FourEyesApprovalTask(AbstractGroupApprovalTask):
    """Group approval where the person who submitted cannot approve their own work.

    A second editor of the chosen groups, or an administrator, approves.
    """

    def _requested_by(self, obj):
        state = getattr(obj, "current_workflow_state", None)
        return state.requested_by_id if state is not None else None

    def _is_requester(self, obj, user) -> bool:
        return not user.is_superuser and self._requested_by(obj) == user.pk

    def get_actions(self, obj, user):
        if self._is_requester(obj, user):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if user.is_superuser:
            return states
        return states.exclude(workflow_state__requested_by=user)

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve, but never the person who submitted")

    class Meta:
        verbose_name = _("four-eyes approval task")
        verbose_name_plural = _("four-eyes approval tasks")

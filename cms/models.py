from contextvars import ContextVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import AbstractGroupApprovalTask, Orderable, Page, PagePermissionTester
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
        from .queries import home_sections

        context = super().get_context(request, *args, **kwargs)
        # Featured products and stalls (the editors' picks, else the newest), current
        # promotions, latest articles, and the cards of the body's carousels.
        context.update(home_sections(self, request))
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

    def get_context(self, request, *args, **kwargs):
        from .promotions import live_promotions, upcoming_promotions, with_banners

        context = super().get_context(request, *args, **kwargs)
        # Current campaigns first, then upcoming ones; expired ones never.
        context["current_promotions"] = list(with_banners(live_promotions().child_of(self)))
        context["upcoming_promotions"] = list(with_banners(upcoming_promotions().child_of(self)))
        return context

    def permissions_for_user(self, user):
        # Creating a promotion and publishing it in one go is also publishing.
        return PromotionIndexPermissionTester(user, self)


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

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The promotion must end after it starts.")
        if self.discount_value is not None:
            if self.discount_kind == self.DiscountKind.PERCENT and not 1 <= self.discount_value <= 100:
                errors["discount_value"] = _("A percentage discount is between 1 and 100.")
            elif self.discount_kind == self.DiscountKind.AMOUNT and self.discount_value < 1:
                errors["discount_value"] = _("A fixed discount is at least 1 đồng.")
        if errors:
            raise ValidationError(errors)

    def is_on_sale(self, at=None) -> bool:
        """Live (published, not expired) and between its start and end."""
        at = at or timezone.now()
        if not self.live or (self.expire_at and self.expire_at <= at):
            return False
        return self.starts_at <= at < self.ends_at

    def has_started(self, at=None) -> bool:
        return self.starts_at <= (at or timezone.now())

    def has_ended(self, at=None) -> bool:
        at = at or timezone.now()
        return self.ends_at <= at or bool(self.expire_at and self.expire_at <= at)

    @property
    def discount_label(self) -> str:
        """``-15%`` or ``-20.000 ₫``."""
        from catalog.money import format_vnd

        if self.discount_kind == self.DiscountKind.PERCENT:
            return f"-{self.discount_value}%"
        return f"-{format_vnd(self.discount_value)}"

    def get_context(self, request, *args, **kwargs):
        from catalog.pricing import attach_prices, live_offers

        from .promotions import PRODUCTS_PER_PAGE, banner_with_renditions, page_offer, promotion_products

        context = super().get_context(request, *args, **kwargs)
        previewing = getattr(request, "is_preview", False)
        offer = page_offer(self, stored=not previewing)
        offers = live_offers()
        if self.banner_id:
            self.banner = banner_with_renditions(self.banner_id)
        if previewing:
            # A preview shows the prices buyers will see once this version is on sale.
            offers = [o for o in offers if o.promotion_id != offer.promotion_id] + [offer]
        paginator = Paginator(promotion_products(offer), PRODUCTS_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        context.update(
            {
                "page_obj": page_obj,
                # The best price for the buyer, which may come from another promotion.
                "products": attach_prices(page_obj.object_list, offers=offers),
                "on_sale": self.is_on_sale(),
                "not_started": not self.has_started(),
                "ended": self.has_ended(),
            }
        )
        return context

    def permissions_for_user(self, user):
        return PromotionPermissionTester(user, self)


# (page id, user id) while FourEyesApprovalTask.on_action runs: Wagtail publishes an
# approved workflow as the approver and checks can_publish() for them.
_approving: ContextVar[tuple[str, int] | None] = ContextVar("cms_approving", default=None)


class PromotionPermissionTester(PagePermissionTester):
    """Only an administrator publishes a promotion directly; editors submit it to the workflow.

    A second editor's approval in the workflow publishes it: during that approval only,
    the approver may publish this page.
    """

    def can_publish(self):
        if not super().can_publish():
            return False
        return self.user.is_superuser or _approving.get() == (str(self.page.pk), self.user.pk)


class PromotionIndexPermissionTester(PagePermissionTester):
    def can_publish_subpage(self):
        return self.user.is_active and self.user.is_superuser and super().can_publish_subpage()


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

    def get_context(self, request, *args, **kwargs):
        from django.utils.translation import gettext

        from catalog.views import _page

        from .queries import (
            ARTICLE_CARD_RENDITION,
            ARTICLES_PER_PAGE,
            article_listing,
            article_tags,
            attach_renditions,
            find_tag,
        )

        context = super().get_context(request, *args, **kwargs)
        tags = article_tags(self)
        key = request.GET.get("tag", "").strip()
        tag = find_tag(tags, key) if key else None
        articles = article_listing(self, tag=tag)
        tag_error = ""
        if key and tag is None:
            articles, tag_error = articles.none(), gettext("There is no tag “%(tag)s”.") % {"tag": key}
        page_obj, page_error = _page(request, articles, per_page=ARTICLES_PER_PAGE)
        attach_renditions([a.cover for a in page_obj.object_list], ARTICLE_CARD_RENDITION)
        context.update(
            {
                "page_obj": page_obj,
                "articles": page_obj.object_list,
                "tag": tag,
                "tags": tags,
                "tag_error": tag_error,
                "page_error": page_error,
            }
        )
        return context


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

    def get_context(self, request, *args, **kwargs):
        from .queries import article_related

        context = super().get_context(request, *args, **kwargs)
        context.update(article_related(self, request))
        return context


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

    def on_action(self, task_state, user, action_name, **kwargs):
        # Wagtail's views check get_actions() before calling this; a script or a future
        # view must not let the submitter approve their own work either.
        workflow_state = task_state.workflow_state
        if not user.is_superuser and workflow_state.requested_by_id == user.pk:
            raise PermissionDenied
        if action_name not in {name for name, _label, _modal in self.get_actions(workflow_state.content_object, user)}:
            raise PermissionDenied
        token = _approving.set((str(workflow_state.object_id), user.pk))
        try:
            return super().on_action(task_state, user, action_name, **kwargs)
        finally:
            _approving.reset(token)

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

"""Marketplace partners, what each receives, and the log of every feed run."""

import hashlib
import hmac
import uuid

from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from catalog.models import Category, Product
from core.outbound import validate_public_url
from producers.models import Producer, Province, TimeStampedModel


class Format(models.TextChoices):
    GOOGLE = "google", _("Google Merchant XML")
    CSV = "csv", _("Meta catalog CSV")
    JSON = "json", _("JSON")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Partner(ClusterableModel, TimeStampedModel):
    """A marketplace that pulls our feed or receives it by push."""

    STAR_CHOICES = [(0, _("Any")), (3, "3★"), (4, "4★"), (5, "5★")]

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    active = models.BooleanField(_("active"), default=True)
    format_google = models.BooleanField(_("Google Merchant XML"), default=True)
    format_csv = models.BooleanField(_("Meta catalog CSV"), default=False)
    format_json = models.BooleanField(_("JSON"), default=False)
    # Only the hash is stored: the token itself is shown once, when created or rotated.
    token_hash = models.CharField(max_length=64, editable=False, blank=True)
    token_rotated_at = models.DateTimeField(_("token rotated at"), null=True, blank=True, editable=False)
    push_url = models.URLField(_("push URL"), blank=True, validators=[validate_public_url])
    signing_secret = models.CharField(
        _("signing secret"),
        max_length=128,
        blank=True,
        help_text=_("Key of the X-OCOP-Signature HMAC-SHA256 header on pushes."),
    )
    categories = models.ManyToManyField(
        Category,
        verbose_name=_("categories"),
        blank=True,
        related_name="+",
        help_text=_("Only these categories and their subcategories; none means all."),
    )
    provinces = models.ManyToManyField(
        Province,
        verbose_name=_("provinces"),
        blank=True,
        related_name="+",
        help_text=_("Only stalls in these provinces; none means all."),
    )
    min_stars = models.PositiveSmallIntegerField(_("minimum OCOP stars"), choices=STAR_CHOICES, default=0)
    push_daily = models.BooleanField(_("push daily"), default=False)
    push_on_change = models.BooleanField(_("push after a change"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("marketplace partner")
        verbose_name_plural = _("marketplace partners")

    def __str__(self):
        return self.name

    @property
    def formats(self) -> list[str]:
        return [fmt for fmt in Format.values if getattr(self, f"format_{fmt}")]

    def accepts(self, fmt: str) -> bool:
        return fmt in Format.values and getattr(self, f"format_{fmt}")

    def check_token(self, token: str | None) -> bool:
        if not token or not self.token_hash:
            return False
        return hmac.compare_digest(hash_token(token), self.token_hash)


class CategoryMapping(models.Model):
    """Our category in the partner's taxonomy (for Google, ``google_product_category``)."""

    partner = ParentalKey(Partner, on_delete=models.CASCADE, related_name="category_mappings")
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="+")
    external_category = models.CharField(
        _("partner category"),
        max_length=255,
        help_text=_("The partner's category id or path, e.g. 499999 or Food, Beverages & Tobacco > Food Items."),
    )

    class Meta:
        verbose_name = _("category mapping")
        verbose_name_plural = _("category mappings")
        constraints = [models.UniqueConstraint(fields=["partner", "category"], name="feeds_mapping_unique")]

    def __str__(self):
        return f"{self.category} → {self.external_category}"


class ProducerOptIn(models.Model):
    """A producer agreed to be listed on this partner; no opt-in, no listing."""

    partner = ParentalKey(Partner, on_delete=models.CASCADE, related_name="opt_ins")
    producer = models.ForeignKey(
        Producer, verbose_name=_("producer"), on_delete=models.CASCADE, related_name="feed_opt_ins"
    )
    opted_in_at = models.DateTimeField(_("agreed at"), default=timezone.now)

    class Meta:
        verbose_name = _("producer opt-in")
        verbose_name_plural = _("producer opt-ins")
        constraints = [models.UniqueConstraint(fields=["partner", "producer"], name="feeds_optin_unique")]

    def __str__(self):
        return f"{self.producer} → {self.partner}"


class FeedRun(models.Model):
    """One generation of a feed: a pull, a push or a command."""

    class Trigger(models.TextChoices):
        PULL = "pull", _("Pull")
        PUSH = "push", _("Push")
        COMMAND = "command", _("Command")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="runs")
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    since = models.DateTimeField(_("changes since"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    items = models.PositiveIntegerField(_("items"), default=0)
    deleted = models.PositiveIntegerField(_("deletions"), default=0)
    excluded = models.PositiveIntegerField(_("excluded"), default=0)
    bytes = models.PositiveBigIntegerField(_("bytes"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    http_status = models.PositiveSmallIntegerField(_("partner's HTTP status"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("feed run")
        verbose_name_plural = _("feed runs")

    def __str__(self):
        return f"{self.partner} {self.format} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        return (self.finished_at - self.started_at) if self.finished_at else None


class FeedRunExclusion(models.Model):
    """A product left out of a run's feed, and why: never silently."""

    class Reason(models.TextChoices):
        NO_IMAGE = "no_image", _("No image")
        NO_DESCRIPTION = "no_description", _("No description")
        NO_PRICE = "no_price", _("No price")

    run = models.ForeignKey(FeedRun, on_delete=models.CASCADE, related_name="exclusions")
    product_id = models.BigIntegerField(_("product id"))
    product_name = models.CharField(_("product"), max_length=200)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("excluded product")
        verbose_name_plural = _("excluded products")

    def __str__(self):
        return f"{self.product_name}: {self.get_reason_display()}"


class ProductTombstone(models.Model):
    """A hard-deleted product, kept so that ``since`` feeds can tell partners to remove it."""

    product_id = models.BigIntegerField(db_index=True)
    producer_id = models.BigIntegerField(null=True, blank=True)
    slug = models.CharField(max_length=100)
    deleted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["deleted_at", "pk"]
        verbose_name = _("deleted product")
        verbose_name_plural = _("deleted products")

    def __str__(self):
        return self.slug


@receiver(post_delete, sender=Product, dispatch_uid="feeds_product_tombstone")
def _product_deleted(sender, instance, **kwargs):
    ProductTombstone.objects.create(product_id=instance.pk, producer_id=instance.producer_id, slug=instance.slug)

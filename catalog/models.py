import datetime
from html import unescape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel, get_all_child_m2m_relations, get_all_child_relations
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from core.text import fold, title_words, unique_slug
from producers.models import Commune, Producer, Province, Stall, TimeStampedModel

from .search_terms import forget_synonyms


class PrivateStorage(LazyObject):
    """Certificate scans and onboarding documents: never at a public URL.

    The ``private`` entry of STORAGES when there is one (S3: a private prefix or bucket,
    see ocop_market/storage_settings.py), otherwise a folder outside MEDIA_ROOT. Served
    only through a view that checks who asks (onboarding/document_views.py).
    """

    def _setup(self):
        if "private" in settings.STORAGES:
            self._wrapped = storages["private"]
        else:
            self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


_private_storage = PrivateStorage()


@receiver(setting_changed)
def _private_storage_changed(*, setting, **kwargs):
    # As Django does for default_storage: the next use builds the storage from the new settings.
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT"):
        _private_storage._wrapped = empty


def private_storage():
    """A callable, so that migrations name this function rather than a machine's path."""
    return _private_storage


class Category(models.Model):
    """An OCOP product group or subgroup (Decision 148/QĐ-TTg, amended by 1489/QĐ-TTg)."""

    parent = models.ForeignKey(
        "self", verbose_name=_("parent group"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(_("code"), max_length=10, blank=True)
    name = models.CharField(_("Vietnamese name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    criteria_version = models.CharField(
        _("criteria version"),
        max_length=60,
        default="148/QĐ-TTg (2023), 1489/QĐ-TTg (2025)",
        help_text=_("The decision the group comes from: the groups changed between decisions."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Category, self.name, instance_pk=self.pk)
        super().save(*args, **kwargs)

    @property
    def display_name(self):
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


def active_certificates(today: datetime.date | None = None) -> Q:
    """The condition for a certificate that shows as a star badge: active and unexpired."""
    today = today or timezone.localdate()
    return Q(status=OcopCertificate.Status.ACTIVE, expires_on__gte=today)


class ProductQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Product.Status.PUBLISHED, producer__stall__is_published=True)

    def in_stock(self):
        return self.filter(stock__gt=0)

    def visible_to(self, user):
        """Products of the producers ``Producer.objects.visible_to(user)`` lets the user manage."""
        return self.filter(producer__in=Producer.objects.visible_to(user).values("pk"))

    def with_stars(self, today: datetime.date | None = None):
        """Annotate ``stars``: the best active, unexpired OCOP certificate, or None."""
        certs = OcopCertificate.objects.filter(active_certificates(today), product=OuterRef("pk")).order_by("-stars")
        return self.annotate(stars=models.Subquery(certs.values("stars")[:1]))

    def min_stars(self, stars: int, today: datetime.date | None = None):
        certs = OcopCertificate.objects.filter(active_certificates(today), product=OuterRef("pk"), stars__gte=stars)
        return self.filter(Exists(certs))

    def for_listing(self):
        """Everything a product card needs, in a fixed number of queries."""
        cover = ProductImage.objects.select_related("image").order_by("sort_order", "pk")
        return (
            self.select_related("producer__stall", "category", "origin_province")
            .prefetch_related(models.Prefetch("images", queryset=cover))
            .with_stars()
        )


# Kept by services with UPDATE … SET n = n + …: see Product.save().
COUNTER_FIELDS = frozenset({"rating_average", "rating_count", "sold_count"})


class Product(ClusterableModel, TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    producer = models.ForeignKey(
        Producer, verbose_name=_("producer"), on_delete=models.PROTECT, related_name="products"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    short_description = models.CharField(_("short description"), max_length=300, blank=True)
    description = RichTextField(_("description"), blank=True, features=["bold", "italic", "ol", "ul", "link"])
    unit = models.CharField(_("unit of sale"), max_length=30, help_text=_("kg, hộp, chai, túi ..."))
    price = models.PositiveBigIntegerField(_("price (VND)"))
    stock = models.PositiveIntegerField(_("stock"), default=0)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    origin_province = models.ForeignKey(
        Province, verbose_name=_("origin province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin_commune = models.ForeignKey(
        Commune,
        verbose_name=_("origin commune / ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    # Lower-case ASCII copy of name, descriptions, producer and category, so that
    # "duong thot not" finds "Đường thốt nốt" on every database.
    search_text = models.TextField(editable=False, blank=True)
    # The folded name and category as whole words between spaces (" tra atiso tui loc |
    # che va san pham tu che "): the ranking prefers " tra " found here over "tra" inside
    # another word ("tram") or in a description, and the name over the category.
    search_title = models.TextField(editable=False, blank=True, default="")
    # When what a feed shows of the product last changed: its own fields, its stock (orders'
    # conditional updates), its certificates, images, category, stall, producer or a promotion
    # covering it. Stamped by save() and by catalog.changes.entries_changed; ``?since=`` reads it.
    feed_changed_at = models.DateTimeField(_("feed entry changed at"), default=timezone.now, editable=False)
    # Counters the cards show without a query per card. Kept by the services that change
    # what they count (reviews approved or withdrawn, order parts delivered or refunded),
    # inside their transaction: never by a signal, since conditional updates send none.
    rating_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    rating_count = models.PositiveIntegerField(_("published reviews"), default=0, editable=False)
    sold_count = models.PositiveIntegerField(_("sold (delivered)"), default=0, editable=False)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            # The storefront's default order (newest first, id breaking ties: products
            # published in one batch share published_at), read in index order.
            models.Index(fields=["status", "-published_at", "-id"], name="product_status_newest"),
            # Sorting by price, both ways: a page deep in the list reads its rows in order.
            models.Index(fields=["status", "price", "id"], name="product_status_price"),
            models.Index(fields=["status", "-price", "id"], name="product_status_price_desc"),
            models.Index(fields=["feed_changed_at"], name="product_feed_changed"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:product-detail", kwargs={"slug": self.slug})

    def clean(self):
        if (
            self.origin_commune_id
            and self.origin_province_id
            and self.origin_commune.province_id != self.origin_province_id
        ):
            raise ValidationError({"origin_commune": _("This commune or ward is not in the origin province.")})

    def build_search_text(self) -> str:
        stall = getattr(self.producer, "stall", None) if self.producer_id else None
        parts = [
            self.name,
            self.short_description,
            unescape(strip_tags(self.description)),
            self.producer.legal_name if self.producer_id else "",
            stall.name if stall else "",
            str(self.category) if self.category_id else "",
            self.unit,
        ]
        return fold(" ".join(p for p in parts if p))

    def build_search_title(self) -> str:
        """ " banh pia soc trang hop 400g | thuc pham che bien ": the name's words, then the
        category's (with its parent group's) after a bar, so that the ranking tells them apart."""
        return search_title(self.name, str(self.category) if self.category_id else "")

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Product, self.name, instance_pk=self.pk, max_length=100)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.search_text = self.build_search_text()
        self.search_title = self.build_search_title()
        self.feed_changed_at = timezone.now()
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            # An edit never writes the counters back: the form's copy may be minutes old, and
            # the services change them in the database meanwhile.
            kwargs["update_fields"] = self._fields_but_counters()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "search_title", "feed_changed_at"}
        super().save(*args, **kwargs)

    def _fields_but_counters(self) -> list[str]:
        deferred = self.get_deferred_fields()
        names = [
            f.name
            for f in self._meta.concrete_fields
            if not f.primary_key and f.name not in COUNTER_FIELDS and f.attname not in deferred
        ]
        names += [rel.get_accessor_name() for rel in get_all_child_relations(self)]
        names += [field.name for field in get_all_child_m2m_relations(self)]
        return names

    @property
    def cover(self):
        images = list(self.images.all())
        return images[0].image if images else None

    @property
    def in_stock(self):
        return self.stock > 0


def refresh_search_text(products) -> int:
    """Rebuild the folded search copy of `products`; returns how many changed."""
    changed = []
    for product in products.select_related("producer__stall", "category__parent"):
        text, title = product.build_search_text(), product.build_search_title()
        if text != product.search_text or title != product.search_title:
            product.search_text, product.search_title = text, title
            changed.append(product)
    Product.objects.bulk_update(changed, ["search_text", "search_title"], batch_size=500)
    return len(changed)


# search_text copies the stall's, producer's and category's names: when one of them
# is renamed, its products must be found under the new name.
@receiver(post_save, sender=Stall, dispatch_uid="catalog_stall_search_text")
def _stall_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_search_text(Product.objects.filter(producer_id=instance.producer_id))


@receiver(post_save, sender=Producer, dispatch_uid="catalog_producer_search_text")
def _producer_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:
        refresh_search_text(Product.objects.filter(producer=instance))


@receiver(post_save, sender=Category, dispatch_uid="catalog_category_search_text")
def _category_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:
        refresh_search_text(Product.objects.filter(Q(category=instance) | Q(category__parent=instance)))


def search_title(name: str, category: str) -> str:
    """``Product.search_title`` for a name and a category's ``str()`` (bulk loaders use it)."""
    return f"{title_words(name) or ' '}|{title_words(category) or ' '}"


class ProductImage(Orderable):
    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("product image")
        verbose_name_plural = _("product images")


def default_expiry(decision_date: datetime.date) -> datetime.date:
    """36 months after the recognition decision."""
    year, month = decision_date.year + 3, decision_date.month
    day = decision_date.day
    while True:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            day -= 1


class OcopCertificate(TimeStampedModel):
    """An OCOP recognition of a product (3, 4 or 5 stars)."""

    class Level(models.TextChoices):
        DISTRICT = "district", _("District level (before July 2025)")
        PROVINCE = "province", _("Province level")
        CENTRAL = "central", _("Central level")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        REEVALUATING = "reevaluating", _("Being re-evaluated")

    product = ParentalKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="ocop_certificates"
    )
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(3), MaxValueValidator(5)], choices=[(3, "3★"), (4, "4★"), (5, "5★")]
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True, validators=[MaxValueValidator(100)])
    decision_number = models.CharField(_("recognition decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    level = models.CharField(_("issuing level"), max_length=10, choices=Level.choices, default=Level.PROVINCE)
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    expires_on = models.DateField(
        _("expires on"), blank=True, help_text=_("Leave empty for 36 months after the decision.")
    )
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.ACTIVE)
    scan = models.FileField(_("certificate scan"), storage=private_storage, upload_to="certificates/%Y/", blank=True)

    class Meta:
        ordering = ["-stars", "-decision_date"]
        verbose_name = _("OCOP certificate")
        verbose_name_plural = _("OCOP certificates")
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=3, stars__lte=5), name="ocop_stars_3_to_5"),
        ]

    def __str__(self):
        return f"OCOP {self.stars}★ {self.decision_number}"

    def save(self, *args, **kwargs):
        if not self.expires_on and self.decision_date:
            self.expires_on = default_expiry(self.decision_date)
        super().save(*args, **kwargs)

    def clean(self):
        if self.expires_on and self.decision_date and self.expires_on < self.decision_date:
            raise ValidationError({"expires_on": _("The expiry date is before the decision date.")})

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.status == self.Status.ACTIVE and self.expires_on is not None and self.expires_on >= day


class Certification(Orderable):
    """Other certifications: VietGAP, organic, food-safety self-declaration."""

    class Kind(models.TextChoices):
        VIETGAP = "vietgap", _("VietGAP")
        ORGANIC = "organic", _("Organic")
        FOOD_SAFETY = "food_safety", _("Food-safety self-declaration")
        OTHER = "other", _("Other")

    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}".strip()


class SearchSynonym(models.Model):
    """A shopper's spelling and what the search looks for instead ("cafe" -> "cà phê").

    Both sides are stored folded (lower-case, without diacritics), as the search compares
    them; editors extend the list in the admin (catalog/search_terms.py applies it).
    """

    typed = models.CharField(
        _("what shoppers type"),
        max_length=100,
        unique=True,
        help_text=_("One or more words, e.g. “cafe” or “nuoc nam”. Diacritics and capitals do not matter."),
    )
    means = models.CharField(
        _("search for"),
        max_length=200,
        help_text=_("The words to search for instead, e.g. “cà phê” or “nước mắm”."),
    )

    class Meta:
        ordering = ["typed"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return f"{self.typed} → {self.means}"

    def save(self, *args, **kwargs):
        self.typed, self.means = fold(self.typed), fold(self.means)
        super().save(*args, **kwargs)

    def clean(self):
        self.typed, self.means = fold(self.typed), fold(self.means)
        if not any(c.isalnum() for c in self.typed):
            raise ValidationError({"typed": _("Type at least one letter or digit.")})
        if not any(c.isalnum() for c in self.means):
            raise ValidationError({"means": _("Type at least one letter or digit.")})
        if self.typed == self.means:
            raise ValidationError({"means": _("This is what shoppers already type: write the words to search for.")})
        if SearchSynonym.objects.filter(typed=self.typed).exclude(pk=self.pk).exists():
            raise ValidationError({"typed": _("These words already have a synonym.")})


def _forget_synonyms(sender, **kwargs):
    forget_synonyms()


post_save.connect(_forget_synonyms, sender=SearchSynonym, dispatch_uid="catalog_synonym_saved")
post_delete.connect(_forget_synonyms, sender=SearchSynonym, dispatch_uid="catalog_synonym_deleted")

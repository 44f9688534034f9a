from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField

from core import roles
from core.text import unique_slug

from .banks import bank_name, holder_matches, vietqr_banks
from .delivery import window_for


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Province(models.Model):
    """One of the 34 provinces and centrally-run cities in force since 1 July 2025."""

    code = models.CharField(_("GSO code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.short_name


class Commune(models.Model):
    """A commune, ward or special zone (2025 two-tier units: province -> commune/ward)."""

    code = models.CharField(_("GSO code"), max_length=5, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20)

    class Meta:
        ordering = ["province_id", "short_name"]
        verbose_name = _("commune / ward")
        verbose_name_plural = _("communes / wards")

    def __str__(self):
        return f"{self.name}, {self.province.short_name}"


class ProducerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Producers a user may manage: staff all, officers their communes, farmers their own."""
        if not user.is_authenticated:
            return self.none()
        if roles.sees_all_producers(user):
            return self
        officer = roles.officer_profile(user)
        if officer is not None:
            return self.filter(models.Q(officer=user) | models.Q(stall__commune__in=officer.communes.all())).distinct()
        return self.filter(owner=user)


class HouseholdLanguage(models.TextChoices):
    """The language a household reads: its receipts, short messages and status page use it."""

    VIETNAMESE = "vi", _("Vietnamese")
    KHMER = "km", _("Khmer")
    ENGLISH = "en", _("English")


class Onboarding(models.TextChoices):
    """How a producer came onto the marketplace."""

    SELF_SERVICE = "self_service", _("By itself (self-service)")
    ASSISTED = "assisted", _("Assisted by an officer")
    BULK = "bulk", _("Bulk import")


class Producer(TimeStampedModel):
    """An OCOP subject (chủ thể OCOP): who makes and sells the products."""

    Language = HouseholdLanguage
    Onboarding = Onboarding

    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("Household")
        HOUSEHOLD_BUSINESS = "household_business", _("Registered household business")
        COOPERATIVE_GROUP = "cooperative_group", _("Cooperative group")
        COOPERATIVE = "cooperative", _("Cooperative")
        ENTERPRISE = "enterprise", _("Enterprise")

    class Verification(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        SUSPENDED = "suspended", _("Suspended")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HOUSEHOLD)
    legal_name = models.CharField(_("legal name"), max_length=200)
    representative = models.CharField(_("representative"), max_length=120, blank=True)
    tax_code = models.CharField(
        _("tax code"),
        max_length=14,
        blank=True,
        validators=[
            RegexValidator(r"^\d{10}(-\d{3})?$", _("A tax code has 10 digits, or 10 digits, a dash and 3 digits."))
        ],
    )
    personal_id = models.CharField(
        _("personal ID number"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{12}$", _("A personal ID number (CCCD) has 12 digits."))],
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="producers",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assisted_producers",
    )
    verification = models.CharField(
        _("verification"), max_length=12, choices=Verification.choices, default=Verification.PENDING
    )
    # For households that read little Vietnamese or have no smartphone: the officer prints their
    # receipts in their language and hears of their notifications too.
    language = models.CharField(
        _("household's language"), max_length=5, choices=HouseholdLanguage.choices, default=HouseholdLanguage.VIETNAMESE
    )
    no_smartphone = models.BooleanField(
        _("no smartphone"),
        default=False,
        help_text=_("Ticked when the household has no smartphone: its officer also receives its notifications."),
    )
    onboarded_via = models.CharField(
        _("onboarded"),
        max_length=12,
        choices=Onboarding.choices,
        blank=True,
        help_text=_("How the producer came onto the marketplace; empty when it was not recorded."),
    )

    objects = ProducerQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(tax_code="") & models.Q(personal_id="")),
                name="producer_has_tax_code_or_personal_id",
                violation_error_message=_("Enter the tax code or the personal ID number."),
            )
        ]

    def __str__(self):
        return self.legal_name


class StallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_listing(self):
        return self.select_related("province", "commune", "logo", "cover")

    def visible_to(self, user):
        """Stalls of the producers ``Producer.objects.visible_to(user)`` lets the user manage."""
        return self.filter(producer__in=Producer.objects.visible_to(user).values("pk"))


class Stall(TimeStampedModel):
    """The producer's shop window on the storefront."""

    producer = models.OneToOneField(
        Producer, verbose_name=_("producer"), on_delete=models.CASCADE, related_name="stall"
    )
    name = models.CharField(_("display name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    story = RichTextField(_("story"), blank=True, features=["bold", "italic", "ol", "ul", "link"])
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="stalls")
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune / ward"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stalls",
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    legacy_address = models.CharField(
        _("address before July 2025"),
        max_length=300,
        blank=True,
        help_text=_("The three-tier address (province, district, commune) as first recorded, if any."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    shipping_fee = models.PositiveIntegerField(
        _("flat shipping fee (VND)"), default=30000, help_text=_("Charged once per order from this stall.")
    )
    free_shipping_over = models.PositiveBigIntegerField(
        _("free shipping from (VND)"),
        null=True,
        blank=True,
        help_text=_("Orders from this stall worth at least this much ship free. Empty: never free."),
    )
    # Decree 117/2025/NĐ-CP: a fee for delivery the household does itself is its revenue from a
    # transport service (withheld at the transport rates); a fee passed on to a carrier is not.
    delivers_itself = models.BooleanField(
        _("delivers orders itself"),
        default=False,
        help_text=_("Ticked when the household delivers its orders itself instead of a carrier."),
    )

    # Estimated delivery, in days, to the buyer's province: the stall's own, a neighbouring
    # one (producers/data/province_neighbours.json), any other.
    delivery_local_min = models.PositiveSmallIntegerField(_("same province: from (days)"), default=1)
    delivery_local_max = models.PositiveSmallIntegerField(_("same province: to (days)"), default=2)
    delivery_near_min = models.PositiveSmallIntegerField(_("neighbouring province: from (days)"), default=2)
    delivery_near_max = models.PositiveSmallIntegerField(_("neighbouring province: to (days)"), default=4)
    delivery_far_min = models.PositiveSmallIntegerField(_("other provinces: from (days)"), default=3)
    delivery_far_max = models.PositiveSmallIntegerField(_("other provinces: to (days)"), default=7)

    objects = StallQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("stall")
        verbose_name_plural = _("stalls")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(delivery_local_min__lte=models.F("delivery_local_max"))
                & models.Q(delivery_near_min__lte=models.F("delivery_near_max"))
                & models.Q(delivery_far_min__lte=models.F("delivery_far_max")),
                name="stall_delivery_windows_ordered",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The slug is fixed once set, so links stay valid when the name is edited.
        if not self.slug:
            self.slug = unique_slug(Stall, self.name, instance_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalog:stall-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.commune_id and self.province_id and self.commune.province_id != self.province_id:
            errors["commune"] = _("This commune or ward is not in the chosen province.")
        for zone in ("local", "near", "far"):
            low, high = getattr(self, f"delivery_{zone}_min"), getattr(self, f"delivery_{zone}_max")
            if low is not None and high is not None and low > high:
                errors[f"delivery_{zone}_max"] = _("The longest delivery time cannot be shorter than the shortest.")
        if errors:
            raise ValidationError(errors)

    def delivery_window(self, province_code: str | None):
        """The delivery estimate to a buyer in ``province_code`` (see producers/delivery.py)."""

        return window_for(self, province_code)


class OfficerProfile(TimeStampedModel):
    """An officer of a community digital-technology team (Tổ Công nghệ số cộng đồng)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer_profile")
    team_name = models.CharField(_("team"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    communes = models.ManyToManyField(Commune, verbose_name=_("communes served"), blank=True, related_name="officers")

    class Meta:
        verbose_name = _("officer profile")
        verbose_name_plural = _("officer profiles")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class BankAccount(TimeStampedModel):
    """Where the producer receives VietQR transfers and settlements."""

    producer = models.OneToOneField(
        Producer, verbose_name=_("producer"), on_delete=models.CASCADE, related_name="bank_account"
    )
    bank_bin = models.CharField(_("bank"), max_length=6, help_text=_("NAPAS BIN of a VietQR bank."))
    account_number = models.CharField(
        _("account number"),
        max_length=19,
        validators=[RegexValidator(r"^[0-9A-Za-z]{4,19}$", _("An account number has 4 to 19 letters or digits."))],
    )
    account_holder = models.CharField(_("account holder"), max_length=120)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")

    def __str__(self):
        return f"{bank_name(self.bank_bin)} {self.account_number}"

    def clean(self):
        errors = {}
        if self.bank_bin not in {b for b, _s, _n in vietqr_banks()}:
            errors["bank_bin"] = _("Choose a bank from the list of VietQR banks.")
        if self.producer_id and not holder_matches(self.account_holder, self.producer.representative):
            errors["account_holder"] = _("The account holder must be the producer's representative.")
        if errors:
            raise ValidationError(errors)

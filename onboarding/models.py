"""The listing workflow's data: applications (hồ sơ), their products and photos, the audit trail.

Only ``onboarding.services`` changes ``Application.state``; views and forms never do.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog.models import OcopCertificate, private_storage
from core import roles
from producers.models import Producer, TimeStampedModel


class ApplicationQuerySet(models.QuerySet):
    def with_household_needs(self):
        """Annotate ``household_language`` and ``household_no_smartphone``: the producer's values
        once it exists (an officer or editor may have changed them since), else the application's."""

        return self.annotate(
            household_language=Coalesce("producer__language", "language"),
            household_no_smartphone=Coalesce("producer__no_smartphone", "no_smartphone"),
        )

    def visible_to(self, user):
        """The one rule of who sees which application (a foreign id is then a 404)."""
        if not user.is_authenticated:
            return self.none()
        if roles.sees_all_producers(user):
            return self
        profile = roles.officer_profile(user)
        if profile is not None:
            return self.filter(
                Q(commune__in=profile.communes.values("pk")) | Q(officer=user) | Q(created_by=user) | Q(household=user)
            )
        return self.filter(household=user)

    def in_scope_of(self, user):
        """Applications an officer may act on (review, edit): their communes, or any for an editor."""
        if not user.is_authenticated:
            return self.none()
        if roles.sees_all_producers(user):
            return self
        profile = roles.officer_profile(user)
        if profile is None:
            return self.none()
        # Without a commune yet (an assisted draft before its address step), its creator or
        # assigned officer acts on it; with one, only officers serving that commune do.
        return self.filter(
            Q(commune__in=profile.communes.values("pk"))
            | Q(commune__isnull=True, officer=user)
            | Q(commune__isnull=True, created_by=user)
        )


class Application(TimeStampedModel):
    """A listing application: a new stall, products to add, or edits to one product."""

    class Kind(models.TextChoices):
        NEW_STALL = "new_stall", _("New stall")
        ADD_PRODUCTS = "add_products", _("Add products")
        EDIT_PRODUCT = "edit_product", _("Edit a product")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NEW_STALL)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    household = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("household account"),
        on_delete=models.PROTECT,
        related_name="onboarding_applications",
    )
    producer = models.ForeignKey(
        Producer, verbose_name=_("producer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Producer part (copied to the Producer when a NEW_STALL application is published).
    producer_kind = models.CharField(
        _("kind of producer"), max_length=20, choices=Producer.Kind.choices, default=Producer.Kind.HOUSEHOLD
    )
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    representative = models.CharField(_("representative"), max_length=120, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    personal_id = models.CharField(_("personal ID number"), max_length=12, blank=True)
    # The producer's copy until it exists; afterwards the producer's own fields count.
    language = models.CharField(
        _("household's language"),
        max_length=5,
        choices=Producer.Language.choices,
        default=Producer.Language.VIETNAMESE,
    )
    no_smartphone = models.BooleanField(_("no smartphone"), default=False)
    # Stall part.
    stall_name = models.CharField(_("stall name"), max_length=150, blank=True)
    story = models.TextField(_("story"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    province = models.ForeignKey(
        "producers.Province",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey(
        "producers.Commune",
        verbose_name=_("commune / ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="onboarding_applications",
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    legacy_address = models.CharField(_("address before July 2025"), max_length=300, blank=True)
    address_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("address confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address_candidates = models.JSONField(_("proposed communes"), default=list, blank=True)
    # Payment part.
    bank_bin = models.CharField(_("bank"), max_length=6, blank=True)
    account_number = models.CharField(_("account number"), max_length=19, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=120, blank=True)
    # Consent of the household when an officer submits on its behalf.
    consent_given = models.BooleanField(_("household consent given"), default=False)
    consent_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("listing application")
        verbose_name_plural = _("listing applications")
        indexes = [models.Index(fields=["state", "commune"], name="onb_app_state_commune")]

    def __str__(self):
        name = self.stall_name or self.legal_name or (str(self.producer) if self.producer_id else "")
        return f"#{self.pk} {name}".strip()

    def get_absolute_url(self):
        return reverse("onboarding:detail", kwargs={"pk": self.pk})

    @property
    def household_needs(self) -> tuple[str, bool]:
        """``(language, no_smartphone)`` of the household: the producer's once it exists."""
        if self.producer_id:
            return self.producer.language, self.producer.no_smartphone
        return self.language, self.no_smartphone

    @property
    def is_open(self) -> bool:
        return self.state not in (self.State.PUBLISHED, self.State.REJECTED, self.State.WITHDRAWN)


class ApplicationProduct(models.Model):
    """A product of an application: a new one, or the edited copy of an existing product."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="products")
    sort_order = models.IntegerField(null=True, blank=True, editable=False)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    short_description = models.CharField(_("short description"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit of sale"), max_length=30, blank=True)
    price = models.PositiveBigIntegerField(_("price (VND)"), null=True, blank=True)
    stock = models.PositiveIntegerField(_("stock"), default=0)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    ocop_claimed = models.BooleanField(_("has OCOP stars"), default=False)
    ocop_stars = models.PositiveSmallIntegerField(
        _("OCOP stars"), null=True, blank=True, choices=[(3, "3★"), (4, "4★"), (5, "5★")]
    )
    ocop_decision_number = models.CharField(_("recognition decision number"), max_length=60, blank=True)
    ocop_decision_date = models.DateField(_("decision date"), null=True, blank=True)
    ocop_level = models.CharField(_("issuing level"), max_length=10, choices=OcopCertificate.Level.choices, blank=True)
    ocop_scan = models.FileField(
        _("certificate scan"), storage=private_storage, upload_to="onboarding/certificates/%Y/", blank=True
    )
    packaged_food = models.BooleanField(_("packaged food"), default=False)
    food_safety_number = models.CharField(_("food-safety self-declaration number"), max_length=60, blank=True)
    food_safety_date = models.DateField(_("food-safety self-declaration date"), null=True, blank=True)
    food_safety_exempt_reason = models.CharField(_("reason for exemption"), max_length=300, blank=True)
    bulk_row = models.PositiveIntegerField(_("spreadsheet row"), null=True, blank=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("application product")
        verbose_name_plural = _("application products")
        constraints = [
            models.CheckConstraint(
                condition=Q(ocop_stars__isnull=True) | Q(ocop_stars__gte=3, ocop_stars__lte=5),
                name="onb_product_stars_3_to_5",
            )
        ]

    def __str__(self):
        return self.name or _("Product %(n)s") % {"n": self.pk}


class ApplicationPhoto(models.Model):
    """A photo of an application's product.

    Uploaded photos are private files (``file``, catalog's private storage, a random name),
    shown only through ``onboarding:photo``, which checks who asks. Publication gives the
    catalog its public copy, a Wagtail image (``image``). A product being edited starts
    with its catalog images, already public (``image`` without ``file``).
    """

    product = models.ForeignKey(ApplicationProduct, on_delete=models.CASCADE, related_name="photos")

    file = models.FileField(
        _("photo file"), storage=private_storage, upload_to="onboarding/photos/%Y/", blank=True, max_length=200
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("application photo")
        verbose_name_plural = _("application photos")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | models.Q(image__isnull=False), name="application_photo_file_or_image"
            )
        ]

    def __str__(self):
        return f"{self.product} #{self.sort_order}"

    @property
    def is_private(self) -> bool:
        return bool(self.file)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("The audit trail cannot be changed."))

    def delete(self):
        raise ValidationError(_("The audit trail cannot be changed."))


class AuditEntry(models.Model):
    """One line of an application's history. Append-only: rows are never changed or deleted."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        EDIT = "edit", _("Edited")
        TRANSITION = "transition", _("State changed")
        COMMENT = "comment", _("Comment")
        CONSENT = "consent", _("Consent recorded")
        # What the household said on the phone, written down by its officer.
        PHONE = "phone", _("Said on the phone")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="audit")
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=20, choices=Application.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=Application.State.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    field = models.CharField(_("field"), max_length=60, blank=True)
    on_behalf = models.BooleanField(_("on the household's behalf"), default=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self):
        return f"{self.get_action_display()} {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise ValidationError(_("The audit trail cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The audit trail cannot be changed."))


class ReviewComment(models.Model):
    """An officer's comment on one checklist field (``field``) or on the whole application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("field"), max_length=60, blank=True)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self):
        return self.text[:60]


class Notification(models.Model):
    """An in-app notification (the list at ``onboarding:notifications``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="onboarding_notifications"
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # What an SMS carries: one message of at most 160 characters, in the recipient's language.
    short = models.CharField(_("short text"), max_length=160, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"], name="onb_notif_user_read")]

    def __str__(self):
        return self.title


class CertificateReminder(models.Model):
    """A reminder already sent for a certificate (``kind``: "90", "30" or "expired"): sent once."""

    certificate = models.ForeignKey(
        "catalog.OcopCertificate", on_delete=models.CASCADE, related_name="onboarding_reminders"
    )
    kind = models.CharField(max_length=10)
    expires_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate reminder")
        verbose_name_plural = _("certificate reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "kind", "expires_on"], name="onb_reminder_once_per_certificate"
            )
        ]

    def __str__(self):
        return f"{self.certificate_id} {self.kind}"


class DataConsent(models.Model):
    """A household's consent to the processing of its personal ID number and bank account
    (Decree 13/2023/NĐ-CP): who agreed, who recorded it, when, and the exact notice shown."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="data_consents")
    household = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("household account"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    notice_version = models.CharField(_("notice version"), max_length=20)
    notice_text = models.TextField(_("notice shown"))
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        ordering = ["given_at", "pk"]
        verbose_name = _("personal data consent")
        verbose_name_plural = _("personal data consents")

    def __str__(self):
        return f"{self.application_id} {self.notice_version}"

    @property
    def on_behalf(self) -> bool:
        return self.recorded_by_id != self.household_id

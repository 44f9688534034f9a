"""Production batches (lô sản xuất) and their events, after Circular 02/2024/TT-BKHCN.

The circular's minimum for a consumer: the product (name, picture), the producer and its
address, the production time, the brand and the batch's code, the expiry where there is one;
and each stage's "one step before, one step after" (what happened where and when). The
product, producer and address are read from the catalog and the stall; the batch holds the
rest. Once published a batch is never edited: a mistake is answered by a correcting event,
so what a buyer saw stays on the record.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from producers.models import Producer, TimeStampedModel

from .codes import new_trace_code, trace_path, validate_gtin

PHOTO_MAX_BYTES = 5 * 1024 * 1024


class Standard(models.TextChoices):
    """What a batch was made under; shown with the certificate the project holds for it, if any."""

    OCOP = "ocop", _("OCOP certificate")
    VIETGAP = "vietgap", _("VietGAP")
    ORGANIC = "organic", _("Organic")
    FOOD_SAFETY = "food_safety", _("Food-safety self-declaration")
    OTHER = "other", pgettext_lazy("standard", "Other")


class BatchQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Batch.Status.PUBLISHED)

    def visible_to(self, user):
        """Batches of the producers ``Producer.objects.visible_to(user)`` lets the user manage."""
        return self.filter(product__producer__in=Producer.objects.visible_to(user).values("pk"))


class Batch(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("batch", "Draft")
        PUBLISHED = "published", pgettext_lazy("batch", "Published")

    class ExpiryKind(models.TextChoices):
        USE_BY = "use_by", _("Use by")
        BEST_BEFORE = "best_before", _("Best before")

    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="batches"
    )
    code = models.CharField(
        _("batch number"), max_length=40, help_text=_("The number you write on the package, e.g. L2025-07.")
    )
    trace_code = models.CharField(_("trace code"), max_length=12, unique=True, editable=False)
    gtin = models.CharField(
        _("GTIN (barcode number)"),
        max_length=14,
        blank=True,
        validators=[validate_gtin],
        help_text=_("Only if the product has a GS1 barcode: the stamp then follows GS1 Digital Link."),
    )
    produced_on = models.DateField(_("production or harvest date"))
    packed_on = models.DateField(_("packing date"))
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    expiry_kind = models.CharField(
        _("kind of date"), max_length=12, choices=ExpiryKind.choices, default=ExpiryKind.BEST_BEFORE
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    quantity_unit = models.CharField(_("unit"), max_length=30, help_text=_("hộp, chai, kg …"))
    standards = models.JSONField(_("standards applied"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Entered by an officer for the household (shown as such, as on applications).
    by_officer = models.BooleanField(_("entered by an officer"), default=False)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["-produced_on", "-pk"]
        verbose_name = _("production batch")
        verbose_name_plural = _("production batches")
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="batch_code_unique_per_product"),
            models.CheckConstraint(condition=Q(packed_on__gte=models.F("produced_on")), name="batch_packed_after"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("packed_on")),
                name="batch_expires_after_packing",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="batch_quantity_positive"),
        ]
        indexes = [models.Index(fields=["product", "status", "-published_at"], name="batch_product_latest")]

    def __str__(self):
        return f"{self.code} ({self.trace_code})"

    def save(self, *args, **kwargs):
        if not self.trace_code:
            self.trace_code = new_trace_code()
        if self.pk is not None and not kwargs.get("force_insert"):
            # Published is final: what buyers saw stays on the record (a correction is an event).
            stored = Batch.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.PUBLISHED:
                raise ValidationError(_("A published batch cannot be changed: add a correcting event."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise ValidationError(_("A published batch cannot be deleted."))
        return super().delete(*args, **kwargs)

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.produced_on and self.produced_on > today:
            errors["produced_on"] = _("The production or harvest date cannot be in the future.")
        if self.packed_on and self.packed_on > today:
            errors["packed_on"] = _("The packing date cannot be in the future.")
        elif self.packed_on and self.produced_on and self.packed_on < self.produced_on:
            errors["packed_on"] = _("The batch cannot be packed before it was produced or harvested.")
        if self.expires_on and self.packed_on and self.expires_on < self.packed_on:
            errors["expires_on"] = _("The expiry date cannot be before the packing date.")
        unknown = [s for s in self.standards or [] if s not in Standard.values]
        if unknown:
            errors["standards"] = _("Choose the standards from the list.")
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # clean() and the fields' validators report the date and quantity rules next to their
        # fields; the database's check constraints stay as the last guard.
        exclude = {*(exclude or ()), "produced_on", "packed_on", "expires_on", "quantity"}
        super().validate_constraints(exclude=exclude)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def get_absolute_url(self):
        return trace_path(self)

    def standard_labels(self) -> list[str]:
        return [Standard(s).label for s in self.standards or [] if s in Standard.values]

    def is_expired(self, day: datetime.date | None = None) -> bool:
        return bool(self.expires_on and self.expires_on < (day or timezone.localdate()))


class TraceEvent(models.Model):
    """One step of a batch: what was done, where (a 2025 commune or ward), when."""

    class Stage(models.TextChoices):
        PLANTING = "planting", _("Planting / raising")
        HARVEST = "harvest", _("Harvest")
        PROCESSING = "processing", _("Processing")
        PACKING = "packing", _("Packing")
        SHIPPING = "shipping", _("Shipping")
        CORRECTION = "correction", _("Correction")

    # The order stages follow; a correction may come at any point after publication.
    STAGE_ORDER = {"planting": 0, "harvest": 1, "processing": 2, "packing": 3, "shipping": 4}

    batch = models.ForeignKey(Batch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="events")
    sequence = models.PositiveSmallIntegerField(_("order"))
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    commune = models.ForeignKey(
        "producers.Commune", verbose_name=_("commune / ward"), on_delete=models.PROTECT, related_name="+"
    )
    occurred_at = models.DateTimeField(_("time"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.ImageField(
        _("photo"),
        upload_to="trace/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_officer = models.BooleanField(_("entered by an officer"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["batch_id", "sequence"]
        verbose_name = _("trace event")
        verbose_name_plural = _("trace events")
        constraints = [
            models.UniqueConstraint(fields=["batch", "sequence"], name="trace_event_sequence_unique"),
            models.CheckConstraint(condition=~Q(stage="correction") | ~Q(note=""), name="trace_correction_has_note"),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} {self.occurred_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None and Batch.objects.filter(pk=self.batch_id, status=Batch.Status.PUBLISHED).exists():
            raise ValidationError(_("The events of a published batch cannot be changed: add a correcting event."))
        super().save(*args, **kwargs)

    @property
    def is_correction(self) -> bool:
        return self.stage == self.Stage.CORRECTION


class StallPaymentQr(TimeStampedModel):
    """A stall's choice to show a VietQR for the listed price on its product pages."""

    stall = models.OneToOneField(
        "producers.Stall", verbose_name=_("stall"), on_delete=models.CASCADE, related_name="payment_qr"
    )
    on_product_pages = models.BooleanField(_("show a VietQR for the price on product pages"), default=False)

    class Meta:
        verbose_name = _("stall payment QR")
        verbose_name_plural = _("stall payment QRs")

    def __str__(self):
        return str(self.stall)

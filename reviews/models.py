"""Buyers' reviews of what they received: one per order line, published after moderation.

A review belongs to a delivered order line (``OrderLine``), so only a buyer who received the
product can write one, once. It shows on the storefront when the officer of the stall's
commune or an editor approves it; the stall may answer it once.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import roles
from producers.models import Stall, TimeStampedModel


class ReviewQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Review.Status.APPROVED)

    def moderatable_by(self, user):
        """Reviews a user may approve or reject: editors all, officers those of the stalls in
        their scope (``Stall.objects.visible_to``); households and buyers none."""
        if not user.is_authenticated:
            return self.none()
        if roles.sees_all_producers(user):
            return self
        if not roles.is_officer(user):
            return self.none()
        return self.filter(stall__in=Stall.objects.visible_to(user).values("pk"))

    def answerable_by(self, user):
        """Published reviews the user may answer for the stall: its household, its officer, editors."""
        return self.approved().filter(stall__in=Stall.objects.visible_to(user).values("pk"))


def photo_path(instance, filename) -> str:
    # A random name: nothing of the buyer's file name, and not guessable before publication.
    return f"reviews/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class Review(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Published")
        REJECTED = "rejected", _("Not published")

    line = models.OneToOneField(
        "orders.OrderLine", verbose_name=_("order line"), on_delete=models.CASCADE, related_name="review"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="reviews"
    )
    stall = models.ForeignKey(Stall, verbose_name=_("stall"), on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)], choices=[(n, str(n)) for n in range(1, 6)]
    )
    text = models.TextField(_("review"), max_length=2000)
    author_name = models.CharField(_("name shown"), max_length=60)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderation_note = models.CharField(_("reason"), max_length=300, blank=True)
    reply = models.TextField(_("the stall's answer"), max_length=1000, blank=True)
    replied_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
        ]
        indexes = [models.Index(fields=["product", "status", "-created_at"], name="review_product_status")]

    def __str__(self):
        return f"{self.rating}★ {self.author_name}"


class ReviewPhoto(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")

    def __str__(self):
        return self.image.name

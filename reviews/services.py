"""Every write of the reviews app, and the reads other apps call.

The product's counters (``rating_average``, ``rating_count``) are recomputed from the
published reviews by the service that publishes or withdraws one, under the product's row
lock (``catalog.services.product_lock``): two moderators approving two reviews of one
product at once queue there, and the second counts the first; approving the same review
twice is refused by its status, read under its own row lock.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from catalog.services import product_lock, product_rating_set
from core.page_tags import products_changed
from core.phone import normalize_vn_phone
from orders.models import FulfilmentGroup, OrderLine

from .models import Review, ReviewPhoto

MAX_PHOTOS = 3
# Photos are kept at most this wide or tall: enough for a phone screen, a tenth of the upload.
PHOTO_MAX_SIDE = 1280
PRODUCT_PAGE_REVIEWS = 10


class ReviewError(Exception):
    """A refused change; ``message`` is a complete translated sentence shown as is."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def refusal(line: OrderLine) -> str | None:
    """Why this order line cannot be reviewed now, or None when it can."""
    if line.group.status != FulfilmentGroup.Status.DELIVERED:
        return _(
            "You can review “%(name)s” once you have received it: the stall has not marked this part "
            "of your order delivered yet."
        ) % {"name": line.product_name}
    if line.product_id is None:
        return _("“%(name)s” is no longer sold: it cannot be reviewed.") % {"name": line.product_name}
    return None


def _smaller(photo) -> tuple[bytes, str]:
    """The cleaned photo (``onboarding.uploads.CleanImage``), at most PHOTO_MAX_SIDE pixels a side."""

    if max(photo.width, photo.height) <= PHOTO_MAX_SIDE:
        return photo.data, photo.extension
    image = Image.open(io.BytesIO(photo.data))
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    buffer = io.BytesIO()
    if photo.format == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.convert("RGB").save(buffer, "JPEG", quality=82, optimize=True)
    return buffer.getvalue(), photo.extension


def _size(data: bytes) -> tuple[int, int]:

    with Image.open(io.BytesIO(data)) as image:
        return image.size


def review_submit(*, line: OrderLine, rating: int, text: str, author_name: str, photos: Iterable = ()) -> Review:
    """The buyer's review of a delivered line, waiting for moderation.

    ``photos`` are already checked and cleaned (``onboarding.uploads.clean_image``), at most
    MAX_PHOTOS. Refused (ReviewError) when the line is not delivered or already reviewed.
    """
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ReviewError(_("Add at most %(n)s photos.") % {"n": MAX_PHOTOS})
    with transaction.atomic():
        line = OrderLine.objects.select_for_update(of=("self",)).select_related("group__stall").get(pk=line.pk)
        reason = refusal(line)
        if reason:
            raise ReviewError(reason)
        if Review.objects.filter(line=line).exists():
            raise ReviewError(_("You have already reviewed this product for this order."))
        review = Review(
            line=line,
            product_id=line.product_id,
            stall=line.group.stall,
            rating=rating,
            text=(text or "").strip(),
            author_name=(author_name or "").strip()[:60],
        )
        review.full_clean(exclude=["line"])
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:  # the same line sent twice at once: the one-to-one refused the second
            raise ReviewError(_("You have already reviewed this product for this order.")) from None
        for n, photo in enumerate(photos):
            data, extension = _smaller(photo)
            item = ReviewPhoto(review=review, sort_order=n)
            item.image.save(f"photo.{extension}", ContentFile(data), save=False)
            item.width, item.height = _size(data)
            item.save()
    return review


def _refresh_rating(product_id: int) -> None:
    totals = Review.objects.approved().filter(product_id=product_id).aggregate(n=Count("pk"), total=Sum("rating"))
    count = totals["n"] or 0
    average = (Decimal(totals["total"]) / count).quantize(Decimal("0.01"), ROUND_HALF_UP) if count else None
    product_rating_set(product_id=product_id, average=average, count=count)


# The moderator's decisions, in the queue's order, and the status each moves a review to.
DECISIONS = {"approve": Review.Status.APPROVED, "reject": Review.Status.REJECTED}


def moderation_actions(status: str) -> list[str]:
    """The decisions ``review_moderate`` takes for a review in this status: not the one it has."""
    return [decision for decision, to in DECISIONS.items() if to != status]


def review_moderate(*, review: Review, approve: bool, actor, note: str = "") -> Review:
    """Publish (``approve``) or refuse a review; a published one may be withdrawn later.

    Only an editor or the officer of the stall's commune may (``moderatable_by``); a refusal
    needs a reason. The product's average and count follow in the same transaction.
    """
    note = (note or "").strip()
    if not Review.objects.moderatable_by(actor).filter(pk=review.pk).exists():
        raise ReviewError(_("Only the officer of this stall's commune or an editor can moderate this review."))
    if not approve and not note:
        raise ReviewError(_("Write why the review is not published: the buyer is told."))
    to = DECISIONS["approve" if approve else "reject"]
    with transaction.atomic():
        product_lock(review.product_id)
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.status == to:
            raise ReviewError(
                _("This review is already published.") if approve else _("This review is already not published.")
            )
        was_public = review.status == Review.Status.APPROVED
        review.status = to
        review.moderated_by = actor
        review.moderated_at = timezone.now()
        review.moderation_note = note[:300]
        review.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_note", "updated_at"])
        if approve or was_public:
            _refresh_rating(review.product_id)
    return review


def review_reply(*, review: Review, text: str, actor) -> Review:
    """The stall's one public answer to a published review."""
    text = (text or "").strip()
    if not Review.objects.answerable_by(actor).filter(pk=review.pk).exists():
        raise ReviewError(_("Only this stall, its officer or an editor can answer this review."))
    if not text:
        raise ReviewError(_("Write the answer first."))
    if len(text) > 1000:
        raise ReviewError(_("The answer can be at most 1,000 characters long."))
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.reply:
            raise ReviewError(_("This review already has the stall's answer: a stall answers once."))
        review.reply = text
        review.replied_at = timezone.now()
        review.replied_by = actor
        review.save(update_fields=["reply", "replied_at", "replied_by", "updated_at"])
        products_changed([review.product_id], kind="review answer")  # it shows on the product's page
    return review


# --- reads ---------------------------------------------------------------------------------


def _with_photos(queryset):
    return queryset.prefetch_related(Prefetch("photos", queryset=ReviewPhoto.objects.order_by("sort_order", "pk")))


def product_reviews(product_id: int, limit: int = PRODUCT_PAGE_REVIEWS) -> list[Review]:
    """The newest published reviews of a product, with their photos (two queries)."""
    newest = Review.objects.approved().filter(product_id=product_id).order_by("-created_at", "-pk")
    return list(_with_photos(newest)[:limit])


def reviews_for_phone(phone: str):
    """Every review written from the orders of this phone number (any form of the number), newest
    first, with product and photos: for the buyer's own account pages."""
    try:
        phone = normalize_vn_phone(phone)
    except ValidationError:  # not a Vietnamese number: nothing was ordered with it
        return Review.objects.none()
    return _with_photos(
        Review.objects.filter(line__group__order__buyer_phone=phone)
        .select_related("product", "stall", "line__group__order")
        .order_by("-created_at", "-pk")
    )

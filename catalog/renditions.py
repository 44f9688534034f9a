"""The renditions a storefront page shows, made when a photo is attached, not by its first visitor.

Wagtail makes a rendition the first time a template asks for it: a product page whose
photos have none yet costs 70-250 ms of CPU for its first visitor (2-7 WebP encodes)
instead of 10-20 ms, and a worker busy with that holds up every request queued behind
it. So a product's photos get their card, detail and thumbnail renditions, and a stall's
logo and cover theirs, in a background task once the photo is attached
(:func:`connect`); onboarding's uploads make the product ones (``SPECS["product"]``) at
upload time already. A rendition that exists is not made again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from celery import shared_task
from django.db.models.signals import post_save
from wagtail.images import get_image_model

from core.tasks import enqueue

from .queries import CARD_RENDITION, DETAIL_RENDITION, STALL_COVER_RENDITION, STALL_LOGO_RENDITION, THUMB_RENDITION

logger = logging.getLogger(__name__)

SPECS = {
    "product": (CARD_RENDITION, DETAIL_RENDITION, THUMB_RENDITION),
    "stall_logo": (STALL_LOGO_RENDITION,),
    "stall_cover": (STALL_COVER_RENDITION,),
}


def prepare(image_ids: Iterable[int], role: str) -> int:
    """Make the renditions of ``role`` that the images lack; how many images were looked at."""
    specs = SPECS[role]
    images = get_image_model().objects.filter(pk__in=set(image_ids)).prefetch_renditions(*specs)
    done = 0
    for image in images:
        try:
            image.get_renditions(*specs)
        except OSError:  # a missing or unreadable file: the page shows its placeholder
            logger.warning("image %s: renditions for %s not made", image.pk, role, exc_info=True)
        done += 1
    return done


@shared_task(name="catalog.renditions.prepare_renditions", ignore_result=True)
def prepare_renditions(image_ids: list[int], role: str) -> int:
    return prepare(image_ids, role)


def _product_image_saved(sender, instance, **kwargs) -> None:
    enqueue(prepare_renditions, [instance.image_id], "product")


def _stall_saved(sender, instance, update_fields=None, **kwargs) -> None:
    for field, role in (("logo", "stall_logo"), ("cover", "stall_cover")):
        image_id = getattr(instance, f"{field}_id")
        if image_id and (update_fields is None or field in update_fields):
            enqueue(prepare_renditions, [image_id], role)


def connect() -> None:
    from producers.models import Stall

    from .models import ProductImage

    post_save.connect(_product_image_saved, sender=ProductImage, dispatch_uid="catalog_product_image_renditions")
    post_save.connect(_stall_saved, sender=Stall, dispatch_uid="catalog_stall_renditions")

"""Google's product reviews feed (schema 2.3): every published review, for Merchant Center's
product ratings. Public data only (what product pages show), so the URL needs no partner token.

The ``sku`` of each product is its id, the ``g:id`` of the Google product feed (feeds/formats/google.py),
so that Google joins the ratings to the products it already lists.
"""

import datetime
from xml.etree import ElementTree as ET

from django.utils import timezone

from .models import Review

SCHEMA = "http://www.google.com/shopping/reviews/schema/product/2.3/product_reviews.xsd"
CHUNK = 500


def _sub(parent, tag, text=None, **attrs):
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = str(text)
    return element


def _timestamp(moment: datetime.datetime) -> str:
    return timezone.localtime(moment, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def review_element(review, absolute) -> ET.Element:
    """One ``<review>``, its children in the order the schema requires."""
    element = ET.Element("review")
    _sub(element, "review_id", review.pk)
    _sub(_sub(element, "reviewer"), "name", review.author_name)
    _sub(element, "review_timestamp", _timestamp(review.created_at))
    _sub(element, "content", review.text)
    product_url = absolute(review.product.get_absolute_url())
    _sub(element, "review_url", f"{product_url}#review-{review.pk}", type="group")
    photos = list(review.photos.all())
    if photos:
        images = _sub(element, "reviewer_images")
        for photo in photos:
            _sub(_sub(images, "reviewer_image"), "url", absolute(photo.image.url))
    _sub(_sub(element, "ratings"), "overall", review.rating, min=1, max=5)
    product = _sub(_sub(element, "products"), "product")
    _sub(_sub(_sub(product, "product_ids"), "skus"), "sku", review.product_id)
    _sub(product, "product_name", review.product.name)
    _sub(product, "product_url", product_url)
    _sub(element, "is_spam", "false")
    return element


def generate(absolute, *, publisher: str):
    """The feed as chunks of bytes; ``absolute(path)`` makes a full URL."""
    yield b'<?xml version="1.0" encoding="UTF-8"?>\n'
    yield (
        b'<feed xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xsi:noNamespaceSchemaLocation="' + SCHEMA.encode() + b'">\n<version>2.3</version>\n'
    )
    head = ET.Element("publisher")
    _sub(head, "name", publisher)
    yield ET.tostring(head, encoding="utf-8") + b"\n<reviews>\n"
    reviews = (
        Review.objects.approved()
        .filter(product__status="published")
        .select_related("product")
        .prefetch_related("photos")
        .order_by("pk")
    )
    last = 0
    while True:
        chunk = list(reviews.filter(pk__gt=last)[:CHUNK])
        for review in chunk:
            yield ET.tostring(review_element(review, absolute), encoding="utf-8") + b"\n"
        if len(chunk) < CHUNK:
            break
        last = chunk[-1].pk
    yield b"</reviews>\n</feed>\n"

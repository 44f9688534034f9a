"""Read side: the public trace page, the product page's latest batch, the feeds' trace URLs."""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from catalog.models import Certification, OcopCertificate, Product, ProductImage
from catalog.queries import DETAIL_RENDITION, packed_rendition
from core.precompiled import Precompiled

from .codes import normalize_trace_code
from .models import Batch, StallPaymentQr, TraceEvent

PUBLIC_TRACE_FIELDS = ("trace_code", "gtin", "product_id", "published_at")


def _trace_queryset(code):
    first_image = ProductImage.objects.filter(product=OuterRef("product_id")).order_by("sort_order", "pk")
    return (
        Batch.objects.published()
        .filter(trace_code=code, product__in=Product.objects.published().values("pk"))
        .select_related(
            "product__category",
            "product__producer__stall__province",
            "product__producer__stall__commune__province",
            "product__origin_commune__province",
            "product__origin_province",
        )
        .annotate(
            cover_image_id=Subquery(first_image.values("image_id")[:1]),
            cover_rendition=packed_rendition(OuterRef("cover_image_id"), DETAIL_RENDITION),
        )
    )


def _events_queryset(batch_id):
    return TraceEvent.objects.filter(batch_id=batch_id).select_related("commune__province").order_by("sequence")


def _certificates_queryset(product_id):
    return OcopCertificate.objects.filter(product_id=product_id).order_by("-decision_date", "-pk")


def _certifications_queryset(product_id):
    return Certification.objects.filter(product_id=product_id).order_by("sort_order", "pk")


# The trace page's queries (the batch joins nine tables): compiled once, run with the code or id.
# Measured (tests/bench/run.py, page cache off): compiling the batch's query costs 5 ms,
# running it 2.4 ms; without Precompiled the trace page fell from 6.7-7.3 % of the minimal
# view to 2.5-3.4 %, under its 6 % target. The events were a prefetch, compiled on every
# request: 0.5 ms of the page's 4.7 (in-process, the bench's SQLite database).
_trace = Precompiled(_trace_queryset, code=str)
_events = Precompiled(_events_queryset, batch_id=int)
_certificates = Precompiled(_certificates_queryset, product_id=int)
_certifications = Precompiled(_certifications_queryset, product_id=int)


def trace_batch(code: str) -> Batch:
    """The published batch of a published product with this trace code, for its public page.

    Batch.DoesNotExist when there is none (unknown, unpublished, or the product withdrawn).
    Sets ``timeline`` (events in order), ``certificate`` (the OCOP certificate with the most
    stars, valid or not: an expired one is shown as expired), ``certificate_valid``,
    ``certifications`` (VietGAP, organic …) and the product's ``cover_rendition``. Four queries.
    """
    normalized = normalize_trace_code(code)
    if normalized is None:
        raise Batch.DoesNotExist(code)
    found = list(_trace(code=normalized))
    if not found:
        raise Batch.DoesNotExist(code)
    batch = found[0]
    batch.timeline = list(_events(batch_id=batch.pk))
    certificates = list(_certificates(product_id=batch.product_id))
    today = timezone.localdate()
    valid = sorted((c for c in certificates if c.is_valid_on(today)), key=lambda c: -c.stars)
    batch.certificate = valid[0] if valid else (certificates[0] if certificates else None)
    batch.certificate_valid = bool(valid)
    batch.certifications = list(_certifications(product_id=batch.product_id))
    return batch


def _latest_batch_queryset(product_id):
    return (
        Batch.objects.published()
        .filter(product_id=product_id)
        .order_by("-published_at", "-pk")
        .only("id", "code", "trace_code", "gtin", "product_id", "produced_on", "packed_on", "published_at")[:1]
    )


def _product_page_qr_queryset(producer_id):
    return StallPaymentQr.objects.filter(stall__producer_id=producer_id, on_product_pages=True).select_related(
        "stall__producer__bank_account"
    )[:1]


# The product page's trace block runs both on every product page. Compiling them cost more
# than running them: 0.37 and 0.74 ms a page (in-process, the bench's SQLite database),
# about a sixth of the whole page.
_latest_batch = Precompiled(_latest_batch_queryset, product_id=int)
_product_page_qr = Precompiled(_product_page_qr_queryset, producer_id=int)


def latest_published_batch(product_id: int) -> Batch | None:
    """The product's newest published batch (for the product page's trace block), one query."""
    return next(iter(_latest_batch(product_id=product_id)), None)


def product_page_payment_qr(producer_id: int) -> StallPaymentQr | None:
    """The stall's VietQR choice when it shows on its product pages, with the bank account, one query."""
    return next(iter(_product_page_qr(producer_id=producer_id)), None)


def current_batches(products: Q) -> dict[int, Batch]:
    """The newest published batch of each product that ``products`` (a condition on
    ``product_id``) holds, for feeds; one query per call."""
    rows = (
        Batch.objects.published()
        .filter(products)
        .order_by("product_id", "-published_at", "-pk")
        .only(*PUBLIC_TRACE_FIELDS)
    )
    current: dict[int, Batch] = {}
    for batch in rows:
        current.setdefault(batch.product_id, batch)
    return current


def managed_batches(user):
    """Batches the user may manage (their own producer's, or their communes' for an officer)."""
    return Batch.objects.visible_to(user).select_related("product__producer__stall").order_by("-created_at", "-pk")


def batches_of_product(product_id):
    """Published batches of a product, newest first: what an order line may record as shipped."""
    return Batch.objects.published().filter(product_id=product_id).order_by("-published_at", "-pk")


def shippable_batches(lines) -> dict[int, list[Batch]]:
    """For each order line (by line id), the published batches of its product; one query."""
    product_ids = {line.product_id for line in lines if line.product_id}
    by_product: dict[int, list[Batch]] = {}
    rows = Batch.objects.published().filter(product_id__in=product_ids).order_by("-published_at", "-pk")
    for batch in rows.only("id", "code", "trace_code", "product_id", "packed_on"):
        by_product.setdefault(batch.product_id, []).append(batch)
    if not by_product:
        return {}
    return {line.pk: by_product.get(line.product_id, []) for line in lines}

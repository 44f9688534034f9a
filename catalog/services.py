"""Writes of the catalog app that other apps call.

``publish_product`` is how an approved onboarding application's products reach the storefront:
onboarding never writes catalog rows itself.
"""

import io

from django.core.files.images import ImageFile
from django.db.models import F
from django.db.models.functions import Greatest
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.utils.file import hash_filelike

from core.page_invalidation import product_stock_changed
from core.page_tags import products_changed
from core.text import plain_text_to_rich_text, vi_slugify

from .changes import entries_changed
from .models import Certification, OcopCertificate, Product, ProductImage

PUBLISHED_PHOTOS = "Ảnh sản phẩm"


def public_image(photo, *, title: str):
    """The catalog's public copy (a Wagtail image) of a private photo (anything with a ``file``)."""

    with photo.file.open("rb") as file:
        data = file.read()
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=PUBLISHED_PHOTOS).first() or root.add_child(name=PUBLISHED_PHOTOS)
    name = f"{vi_slugify(title, max_length=50) or 'anh'}.{photo.file.name.rsplit('.', 1)[-1]}"
    image = get_image_model()(
        title=title[:255],
        collection=collection,
        file=ImageFile(io.BytesIO(data), name=name),
        file_size=len(data),
        file_hash=hash_filelike(io.BytesIO(data)),
    )
    image.save()
    return image


def publish_product(item, producer, stall, *, image_ids=()) -> Product:
    """Create or update the product an approved application's ``item`` lists, with its photos
    (``image_ids``: the public copies, in order) and its certificates."""
    product = item.product if item.product_id else Product(producer=producer)
    if product.producer_id != producer.pk:
        raise ValueError("The edited product belongs to another producer.")
    product.category_id = item.category_id
    product.name = item.name.strip()
    product.short_description = item.short_description.strip()
    product.description = plain_text_to_rich_text(item.description)
    product.unit = item.unit.strip()
    product.price = item.price
    product.stock = item.stock
    product.weight_grams = item.weight_grams
    if stall is not None:
        product.origin_province_id = product.origin_province_id or stall.province_id
        product.origin_commune_id = product.origin_commune_id or stall.commune_id
    product.status = Product.Status.PUBLISHED
    product.full_clean(exclude=["slug", "search_text"])
    product.save()

    if image_ids:
        ProductImage.objects.filter(product=product).delete()
        ProductImage.objects.bulk_create(
            ProductImage(product=product, image_id=image_id, sort_order=n) for n, image_id in enumerate(image_ids)
        )

    if item.ocop_claimed and item.ocop_stars:
        cert = OcopCertificate.objects.filter(
            product=product, decision_number=item.ocop_decision_number
        ).first() or OcopCertificate(product=product, decision_number=item.ocop_decision_number)
        cert.stars = item.ocop_stars
        cert.decision_date = item.ocop_decision_date
        cert.level = item.ocop_level or OcopCertificate.Level.PROVINCE
        if item.ocop_scan:
            # Same private storage: the certificate points at the scan the household uploaded.
            cert.scan.name = item.ocop_scan.name
        if cert.pk is None:
            cert.status = OcopCertificate.Status.ACTIVE
            cert.expires_on = None  # 36 months after the decision (OcopCertificate.save)
        cert.save()

    if item.packaged_food and item.food_safety_number.strip():
        Certification.objects.update_or_create(
            product=product,
            kind=Certification.Kind.FOOD_SAFETY,
            defaults={"number": item.food_safety_number.strip(), "issued_on": item.food_safety_date},
        )
    return product


def certificate_expire(certificate_id: int) -> None:
    """The certificate is past its date: its stars leave the storefront (the product stays)."""
    OcopCertificate.objects.filter(pk=certificate_id).update(status=OcopCertificate.Status.EXPIRED)


# --- counters the cards show ---------------------------------------------------------------


def _counters_changed(product_ids) -> None:
    """A conditional UPDATE bypassed save() and its signals: the feeds' entries and the cached
    pages are told here. Only the pages that show these products' cards or pages: no listing is
    filtered or sorted by rating or sold count, so none changes membership or order."""

    entries_changed(product_ids=list(product_ids))
    products_changed(product_ids, kind="counters")


def product_sold_add(*, quantities: dict[int, int]) -> None:
    """Add ``{product_id: quantity}`` (negative to take back) to the products' "sold" counters.

    Called by orders in the transaction that moves a part to or from "delivered", under that
    part's row lock, so that a part is counted once; the UPDATE adds to the stored value, so
    two parts delivered at once both count. Never below zero.
    """

    changes = {pk: n for pk, n in quantities.items() if pk and n}
    if not changes:
        return
    for product_id in sorted(changes):  # one lock order for every caller
        Product.objects.filter(pk=product_id).update(sold_count=Greatest(F("sold_count") + changes[product_id], 0))
    _counters_changed(changes)


def product_rating_set(*, product_id: int, average, count: int) -> None:
    """Store the product's average rating and number of published reviews (computed by the
    reviews app under the product's row lock)."""
    Product.objects.filter(pk=product_id).update(rating_average=average if count else None, rating_count=count)
    _counters_changed([product_id])


def product_lock(product_id: int) -> None:
    """Hold the product's row until the transaction ends: the writers of one counter queue here."""
    list(Product.objects.select_for_update().filter(pk=product_id).values_list("pk", flat=True))


# --- stock: taken by checkouts, given back by cancellations -----------------------------------


def stock_take(*, product_id: int, quantity: int) -> int | None:
    """Take ``quantity`` of a published product, if that many are left; None when taken, else
    the number left (0: sold out).

    One conditional UPDATE, so two checkouts of the last item queue on the row lock and only
    one gets it. Only columns of the product row in the WHERE: a join would make Django update
    through ``id IN (subquery)``, which PostgreSQL does not re-check after waiting for the lock.
    It bypasses ``save()`` and its signals: the caller ends with :func:`stock_changed`.
    """
    taken = Product.objects.filter(pk=product_id, stock__gte=quantity, status=Product.Status.PUBLISHED).update(
        stock=F("stock") - quantity
    )
    if taken:
        return None
    return Product.objects.filter(pk=product_id).values_list("stock", flat=True).first() or 0


def stock_give_back(*, product_id: int, quantity: int) -> None:
    """Return ``quantity`` to the product's stock (a cancelled or expired order); like
    :func:`stock_take`, a conditional UPDATE the caller follows with :func:`stock_changed`."""
    Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)


def stock_changed(changes: dict[int, int]) -> None:
    """Tell the feeds and the storefront's page cache what ``{product_id: change}`` did to the
    stock: the product's page shows the number left, and every card shows whether it is sold out."""
    if not changes:
        return
    entries_changed(product_ids=changes)  # the conditional UPDATE bypassed save(): the feeds' availability
    for product_id, stock in Product.objects.filter(pk__in=changes).values_list("pk", "stock"):
        change = changes[product_id]
        product_stock_changed(product_id, sold_out_changed=stock == 0 if change < 0 else stock == change)

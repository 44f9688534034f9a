"""Writes of the catalog app that other apps call.

``publish_application`` is how an approved onboarding application reaches the storefront:
onboarding never writes catalog or producer rows itself.
"""

import io
import re

from django.apps import apps
from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Greatest
from django.utils.html import escape
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.utils.file import hash_filelike

from core.page_invalidation import storefront_changed
from core.page_tags import products_changed
from core.text import vi_slugify
from producers.models import BankAccount, Producer, Stall

from .changes import entries_changed
from .models import Certification, OcopCertificate, Product, ProductImage

_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def plain_text_to_rich_text(text: str) -> str:
    """Plain text typed by a household → the paragraphs of a RichTextField (escaped).

    One ``<p>`` per paragraph (text between blank lines), a single line break inside one as
    ``<br/>``: the form Wagtail's rich-text editor stores and loads. Django's ``linebreaks``
    writes an unclosed ``<br>``, which the editor refuses ("Unmatched tags"), so the admin's
    edit page of such a stall or product could not be opened.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = []
    for block in _BLANK_LINE.split(text):
        lines = [escape(line.strip()) for line in block.split("\n") if line.strip()]
        if lines:
            paragraphs.append(f"<p>{'<br/>'.join(lines)}</p>")
    return "".join(paragraphs)


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


PUBLISHED_PHOTOS = "Ảnh sản phẩm"


def _public_image(photo, *, title: str):
    """The catalog's public copy (a Wagtail image) of an application's private photo."""

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


def _publish_producer(app) -> tuple[Producer, Stall]:
    producer = Producer(
        kind=app.producer_kind,
        legal_name=app.legal_name.strip(),
        representative=app.representative.strip(),
        tax_code=app.tax_code.strip(),
        personal_id=app.personal_id.strip(),
        owner_id=app.household_id,
        officer_id=app.officer_id,
        verification=Producer.Verification.VERIFIED,
        language=app.language,
        no_smartphone=app.no_smartphone,
        onboarded_via=(
            Producer.Onboarding.SELF_SERVICE if app.created_by_id == app.household_id else Producer.Onboarding.ASSISTED
        ),
    )
    _save(producer)
    stall = Stall(
        producer=producer,
        name=app.stall_name.strip(),
        story=plain_text_to_rich_text(app.story),
        phone=app.phone,
        province_id=app.province_id,
        commune_id=app.commune_id,
        street_address=app.street_address,
        legacy_address=app.legacy_address,
        is_published=True,
    )
    stall.full_clean(exclude=["slug"])
    stall.save()
    return producer, stall


def _publish_bank(app, producer) -> BankAccount | None:
    if not (app.bank_bin and app.account_number and app.account_holder):
        return getattr(producer, "bank_account", None)
    bank = BankAccount.objects.filter(producer=producer).first() or BankAccount(producer=producer)
    bank.bank_bin = app.bank_bin
    bank.account_number = app.account_number.strip()
    bank.account_holder = app.account_holder.strip()
    return _save(bank)


def _publish_product(item, producer, stall) -> Product:
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

    photos = list(item.photos.all())
    for photo in photos:
        if photo.image_id is None:
            photo.image = _public_image(photo, title=product.name)
            photo.save(update_fields=["image"])
    if photos:
        ProductImage.objects.filter(product=product).delete()
        ProductImage.objects.bulk_create(
            ProductImage(product=product, image_id=photo.image_id, sort_order=n) for n, photo in enumerate(photos)
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


def publish_application(app) -> dict:
    """Create or update the producer (and bank account), stall and products of an approved application.

    Runs inside the caller's transaction (``onboarding.services.approve``); any error propagates,
    so the caller's rollback leaves nothing half-published. Returns what it published.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("publish_application must run inside the approval's transaction.")
    if app.kind == app.Kind.NEW_STALL:
        if app.producer_id:
            raise ValueError("This application was already published.")
        producer, stall = _publish_producer(app)
        app.producer = producer
        app.save(update_fields=["producer", "updated_at"])
    else:
        producer = Producer.objects.select_for_update().get(pk=app.producer_id)
        stall = Stall.objects.filter(producer=producer).first()
    bank = _publish_bank(app, producer)
    products = []
    for item in app.products.select_related("product").prefetch_related("photos"):
        product = _publish_product(item, producer, stall)
        if item.product_id != product.pk:
            item.product = product
            item.save(update_fields=["product"])
        products.append(product)
    return {"producer": producer, "stall": stall, "bank_account": bank, "products": products}


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


def sold_counts_rebuild() -> int:
    """Recount every product's "sold" from the delivered order lines (demo seeds, repairs)."""

    OrderLine = apps.get_model("orders", "OrderLine")
    totals = dict(
        OrderLine.objects.filter(group__status="delivered", product__isnull=False)
        .values_list("product_id")
        .annotate(n=Sum("quantity"))
        .values_list("product_id", "n")
    )
    changed = 0
    with transaction.atomic():
        for product in Product.objects.only("pk", "sold_count").iterator():
            wanted = totals.get(product.pk, 0)
            if product.sold_count != wanted:
                Product.objects.filter(pk=product.pk).update(sold_count=wanted)
                changed += 1
        if changed:  # a repair of many products at once: every page
            storefront_changed()
    return changed

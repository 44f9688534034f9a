"""Demo batches of the traceability app, added by ``seed_demo`` (idempotent: found again by product and number).

Two published batches (an older one, and a newer one with every stage) for a product of each of
the first stalls, one of them with a GTIN (its stamps follow GS1 Digital Link), one entered by
the demo officer for the household and corrected after publication, and a draft.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from catalog.models import Product
from producers.models import Stall
from traceability.models import Batch
from traceability.services import EventData, batch_create, batch_publish, event_add, payment_qr_set

STALLS = 6
# A GTIN with a valid check digit (GS1's example prefix), for one demo product.
DEMO_GTIN = "8935049500018"

STEPS = [
    # (stage, days before packing, hour, note)
    ("planting", 120, 7, "Xuống giống trên ruộng của hộ, bón phân hữu cơ."),
    ("harvest", 6, 6, "Thu hoạch buổi sáng, chọn lọc bằng tay."),
    ("processing", 3, 9, "Sơ chế và chế biến tại cơ sở theo quy trình OCOP."),
    ("packing", 0, 14, "Đóng gói, dán tem truy xuất cho từng sản phẩm."),
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed_traceability(*, today: datetime.date, users: dict) -> dict[str, int]:
    stalls = list(Stall.objects.published().exclude(commune=None).select_related("commune").order_by("slug")[:STALLS])
    farmer = users.get("farmer")
    officer = users.get("officer")
    created = 0
    for index, stall in enumerate(stalls):
        product = Product.objects.published().filter(producer_id=stall.producer_id).order_by("pk").first()
        if product is None:
            continue
        assisted = officer is not None and stall.producer.owner_id != getattr(farmer, "pk", None) and index == 1
        actor = officer if assisted else stall.producer.owner
        for n, packed_ago in enumerate((40, 2), start=1):
            code = f"L{today:%y}-{index + 1:02d}{n}"
            if Batch.objects.filter(product=product, code=code).exists():
                continue
            packed = today - datetime.timedelta(days=packed_ago)
            steps = STEPS if n == 2 else STEPS[1:]
            events = [
                EventData(
                    stage=stage,
                    commune=stall.commune,
                    occurred_at=_at(packed - datetime.timedelta(days=before), hour),
                    note=note,
                )
                for stage, before, hour, note in steps
            ]
            batch = batch_create(
                product=product,
                actor=actor,
                code=code,
                produced_on=packed - datetime.timedelta(days=6),
                packed_on=packed,
                expires_on=packed + datetime.timedelta(days=365),
                quantity=100 + 20 * index,
                quantity_unit=product.unit,
                gtin=DEMO_GTIN if index == 0 else "",
                standards=["ocop", "food_safety"] if index % 2 == 0 else ["ocop", "vietgap"],
                events=events,
            )
            batch_publish(batch=batch, actor=actor)
            if assisted and n == 2:
                event_add(
                    batch=batch,
                    actor=actor,
                    event=EventData(
                        stage="correction",
                        commune=stall.commune,
                        occurred_at=timezone.now(),
                        note="Đính chính: số lượng đúng của lô là 110 sản phẩm.",
                    ),
                )
            created += 1
        draft_code = f"L{today:%y}-{index + 1:02d}9"
        if index == 0 and not Batch.objects.filter(product=product, code=draft_code).exists():
            batch_create(
                product=product,
                actor=actor,
                code=draft_code,
                produced_on=today - datetime.timedelta(days=1),
                packed_on=today,
                quantity=50,
                quantity_unit=product.unit,
                events=[EventData("harvest", stall.commune, _at(today - datetime.timedelta(days=1), 6))],
            )
            created += 1
        if index == 0 and getattr(stall.producer, "bank_account", None) is not None:
            payment_qr_set(stall=stall, on_product_pages=True)
    return {"production batches": created} if created else {}

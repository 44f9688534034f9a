"""Demo data of the orders app, added by `seed_demo` (idempotent: running it twice adds nothing)."""

import uuid

from catalog.models import Product
from orders import services
from orders.models import Order, Payment
from producers.models import Commune

DEMO_EMAIL_DOMAIN = "demo.ocop-market.invalid"

# (buyer, payment method, what happens next)
PLANS = [
    ("Nguyễn Thị Lan", "cod", "new"),
    ("Trần Văn Minh", "vietqr", "awaiting"),
    ("Lê Thị Hoa", "card", "preparing"),
    ("Phạm Văn Hùng", "vietqr", "shipped"),
    ("Hoàng Thị Mai", "cod", "delivered"),
    ("Vũ Văn Nam", "card", "cancelled"),
]


def seed_orders(*, today, users) -> dict[str, int]:
    """``users`` maps the demo usernames (admin, editor, officer, farmer) to users; returns counts."""

    if Order.objects.filter(buyer_email__endswith="@" + DEMO_EMAIL_DOMAIN).exists():
        return {}
    commune = Commune.objects.select_related("province").order_by("code").first()
    products = list(
        Product.objects.published().filter(stock__gte=5).select_related("producer__stall").order_by("pk")[:40]
    )
    if commune is None or len(products) < 2:
        return {}
    # Two products of different stalls where possible, so that orders split.
    by_stall = {}
    for product in products:
        by_stall.setdefault(product.producer.stall.pk, product)
    picks = list(by_stall.values()) or products
    staff = users.get("officer") or users.get("admin")
    created = 0
    for index, (name, method, fate) in enumerate(PLANS):
        a = picks[index % len(picks)]
        b = picks[(index + 1) % len(picks)]
        cart = {a.pk: 1} if a.pk == b.pk else {a.pk: 1, b.pk: 1}
        try:
            order = services.place_order(
                cart,
                {
                    "buyer_name": name,
                    "buyer_phone": f"+8491234{5600 + index:04d}",
                    "buyer_email": f"buyer{index + 1}@{DEMO_EMAIL_DOMAIN}",
                    "province": commune.province,
                    "commune": commune,
                    "street_address": f"{10 + index} Đường Trần Hưng Đạo",
                    "note": "",
                    "payment_method": method,
                },
            )
        except services.CheckoutError:
            continue
        created += 1
        if fate in ("preparing", "shipped") and method != "cod":
            payment = Payment.objects.create(
                order=order, method=method, amount=order.total, idempotency_key=uuid.uuid4().hex
            )
            services.mark_paid(order, payment=payment, by=staff if method == "vietqr" else None)
        groups = list(order.groups.order_by("pk"))
        if fate in ("preparing", "shipped", "delivered"):
            for group in groups:
                services.set_group_status(group, to="preparing", by=staff)
        if fate in ("shipped", "delivered"):
            for n, group in enumerate(groups):
                services.set_group_status(group, to="shipped", by=staff, tracking_number=f"VNP{order.pk:06d}{n}")
        if fate == "delivered":
            for group in groups:
                services.set_group_status(group, to="delivered", by=staff)
        if fate == "cancelled":
            services.cancel_order(order, reason="Khách đổi ý (dữ liệu mẫu).", by=staff, notify=False)
    return {"orders": created}

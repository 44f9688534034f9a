"""Demo reviews, added by `seed_demo`: delivered orders of the newest products, reviewed by their
buyers, published by an editor, some answered by the stall (idempotent: a second run adds nothing)."""

from catalog.models import Product
from orders import services as orders
from orders.models import Order
from producers.models import Commune
from reviews import services
from reviews.models import Review

DEMO_EMAIL_DOMAIN = "reviews.demo.ocop-market.invalid"

BUYERS = ["Nguyễn Thị Thu", "Trần Quốc Bảo", "Lê Minh Châu", "Phạm Thị Ngọc", "Đỗ Văn Khoa", "Bùi Thị Hạnh"]
# (rating, text, the stall's answer or "")
REVIEWS = [
    (5, "Hàng đúng như mô tả, đóng gói cẩn thận, giao nhanh. Sẽ ủng hộ tiếp.", "Cảm ơn anh chị đã tin dùng sản phẩm!"),
    (4, "Chất lượng tốt, vị thơm. Giao hơi chậm một ngày nhưng vẫn hài lòng.", ""),
    (5, "Mua làm quà biếu, cả nhà đều khen. Có tem OCOP rõ ràng.", ""),
    (3, "Sản phẩm ổn, bao bì hơi móp khi nhận.", "Xin lỗi chị, lần sau gian hàng sẽ bọc kỹ hơn."),
    (5, "Ngon, đúng vị quê. Giá hợp lý.", ""),
    (4, "Hàng chuẩn, người bán nhiệt tình tư vấn.", ""),
]
PRODUCTS = 8


def seed_reviews(*, users) -> dict[str, int]:
    """``users`` maps the demo usernames (admin, editor, officer, farmer) to users; returns counts."""

    if Order.objects.filter(buyer_email__endswith="@" + DEMO_EMAIL_DOMAIN).exists():
        return {}
    commune = Commune.objects.select_related("province").order_by("code").first()
    editor = users.get("editor") or users.get("admin")
    if commune is None or editor is None:
        return {}
    # The first page of the product list (newest first): the demo shows stars and "đã bán" there.
    products = list(Product.objects.published().filter(stock__gte=10).order_by("-published_at", "-pk")[:PRODUCTS])
    created = 0
    for p, product in enumerate(products):
        for n in range(1 + p % 3):
            index = (p + n) % len(REVIEWS)
            buyer = BUYERS[(p * 3 + n) % len(BUYERS)]
            try:
                order = orders.place_order(
                    {product.pk: 1 + (p + n) % 3},
                    {
                        "buyer_name": buyer,
                        "buyer_phone": f"+8498765{4300 + p * 3 + n:04d}",
                        "buyer_email": f"review{p}-{n}@{DEMO_EMAIL_DOMAIN}",
                        "province": commune.province,
                        "commune": commune,
                        "street_address": f"{20 + n} Đường Lý Thường Kiệt",
                        "note": "",
                        "payment_method": "cod",
                    },
                )
            except orders.CheckoutError:
                continue
            for group in order.groups.all():
                orders.set_group_status(group, to="preparing", by=editor)
                orders.set_group_status(group, to="shipped", by=editor, tracking_number=f"VNP{order.pk:06d}")
                orders.set_group_status(group, to="delivered", by=editor)
            line = order.groups.get().lines.get()
            rating, text, answer = REVIEWS[index]
            review = services.review_submit(line=line, rating=rating, text=text, author_name=buyer.split()[-1])
            if p == len(products) - 1 and n == 0:
                continue  # left waiting, so that the moderation screen has something to show
            services.review_moderate(review=review, approve=True, actor=editor)
            if answer:
                services.review_reply(review=review, text=answer, actor=editor)
            created += 1
    return {
        "reviews (published)": created,
        "reviews (waiting for moderation)": Review.objects.filter(status=Review.Status.PENDING).count(),
    }

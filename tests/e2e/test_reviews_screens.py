"""Reviews, "đã bán" and delivery estimates as a buyer sees them on a 360 px phone.

Screenshots: artifacts/screenshots/reviews-*-360.png.
"""

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image

from catalog.models import Product
from core import roles
from orders.models import FulfilmentGroup
from orders.services import set_group_status
from reviews import services
from tests.factories.catalog import ImageFactory, OcopCertificateFactory, ProductFactory, ProductImageFactory
from tests.factories.orders import OrderFactory
from tests.factories.producers import CommuneFactory, ProvinceFactory, StallFactory, UserFactory

from .conftest import MOBILE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _jpeg(colour, size=(480, 360)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _deliver(group):
    set_group_status(group, to=FulfilmentGroup.Status.PREPARING)
    set_group_status(group, to=FulfilmentGroup.Status.SHIPPED, tracking_number="VNP0001")
    set_group_status(group, to=FulfilmentGroup.Status.DELIVERED)


@pytest.fixture
def reviewed():
    from onboarding.uploads import clean_image

    lam_dong = ProvinceFactory(code="68", name="Tỉnh Lâm Đồng", short_name="Lâm Đồng", slug="lam-dong")
    stall = StallFactory(name="HTX Cà phê Cầu Đất", province=lam_dong, commune=CommuneFactory(province=lam_dong))
    image = ImageFactory(file=ImageFile(io.BytesIO(_jpeg("#5b3a29")), name="caphe.jpg"))
    product = ProductFactory(
        producer=stall.producer, name="Cà phê Arabica Cầu Đất rang mộc", price=180000, unit="túi", stock=40
    )
    ProductImageFactory(product=product, image=image)
    OcopCertificateFactory(product=product, stars=4)
    editor = UserFactory(groups=[roles.EDITOR])
    texts = [
        (5, "Cà phê thơm, vị chua nhẹ đúng kiểu Arabica. Đóng gói kỹ, giao 2 ngày là tới.", "Lan"),
        (4, "Rang vừa, uống phin rất ngon. Giao hơi chậm một chút.", "Minh"),
    ]
    for n, (rating, text, name) in enumerate(texts):
        line = OrderFactory(items=[(product, 2 + n)], paid=True).groups.get()
        _deliver(line)
        photos = [clean_image(_upload("#8b5a2b"))] if n == 0 else []
        review = services.review_submit(
            line=line.lines.get(), rating=rating, text=text, author_name=name, photos=photos
        )
        services.review_moderate(review=review, approve=True, actor=editor)
        if n == 0:
            services.review_reply(review=review, text="Cảm ơn chị Lan đã ủng hộ HTX!", actor=editor)
    pending_order = OrderFactory(items=[(product, 1)], paid=True, buyer_name="Trần Thị Bình")
    _deliver(pending_order.groups.get())
    return Product.objects.get(pk=product.pk), pending_order


def _upload(colour):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("anh.jpg", _jpeg(colour), content_type="image/jpeg")


def test_card_product_page_and_review_form_at_360px(reviewed, screen):
    product, order = reviewed
    s = screen(MOBILE)

    page = s.goto("/products/")
    card = page.locator(".card").first
    assert "★ 4,5 (2)" in card.inner_text()
    assert "Đã bán 6" in card.inner_text()
    assert s.horizontal_overflow() == 0
    card.screenshot(path=str(s.shot("reviews-card").with_name("reviews-card-only-360.png")))

    page = s.goto(product.get_absolute_url())
    assert "Thời gian giao hàng dự kiến" in page.inner_text("body")
    assert "Cảm ơn chị Lan đã ủng hộ HTX!" in page.inner_text(".reviews")
    assert s.horizontal_overflow() == 0
    page.locator(".eta").scroll_into_view_if_needed()
    s.shot("reviews-product")
    page.locator(".reviews").screenshot(path=str(s.shot("reviews-product").with_name("reviews-block-360.png")))

    page = s.goto(order.get_absolute_url())
    page.get_by_role("link", name="Đánh giá sản phẩm này").click()
    page.wait_for_load_state()
    page.locator("button.ord-submit").click()  # nothing chosen: the errors next to the fields
    page.wait_for_load_state()
    assert "Chọn từ 1 đến 5 sao." in page.inner_text("body")
    assert s.horizontal_overflow() == 0
    s.shot("reviews-form-errors")
    page.locator("label[for='id_rating_0']").click()
    page.fill("#id_text", "Cà phê ngon, hạt đều, mùi thơm dễ chịu.")
    page.locator("#id_photos").set_input_files(
        files=[{"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": _jpeg("#c9a15b")}]
    )
    s.shot("reviews-form")
    page.locator("button.ord-submit").click()
    page.wait_for_load_state()
    assert "Cảm ơn bạn! Đánh giá sẽ hiện sau khi được kiểm duyệt." in page.inner_text("body")
    assert not s.errors, s.errors

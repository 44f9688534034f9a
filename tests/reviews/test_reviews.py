"""Reviews as buyers, officers, editors and households meet them."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Product
from core import roles
from orders.models import FulfilmentGroup
from reviews import services
from reviews.models import Review
from tests.factories.orders import OrderFactory
from tests.factories.producers import CommuneFactory, OfficerFactory

from .conftest import deliver, photo

pytestmark = pytest.mark.django_db


def write_url(line):
    return reverse("reviews:write", kwargs={"token": line.group.order.access_token, "line_pk": line.pk})


def submit(client, line, **data):
    payload = {"rating": "5", "text": "Bánh thơm, vỏ mỏng, giao nhanh.", "author_name": "Bình", **data}
    return client.post(write_url(line), payload)


def json_ld(response):
    match = re.search(rb'<script type="application/ld\+json">(.*?)</script>', response.content, re.S)
    return json.loads(match.group(1))


# --- the buyer --------------------------------------------------------------------------------


def test_order_page_links_a_delivered_line_to_its_review_form(client, delivered_line):
    page = client.get(delivered_line.group.order.get_absolute_url())
    assert write_url(delivered_line) in page.content.decode()


def test_order_page_offers_no_review_before_delivery(client, paid_order):
    line = paid_order.groups.get().lines.get()
    page = client.get(paid_order.get_absolute_url())
    assert write_url(line) not in page.content.decode()


def test_buyer_reviews_a_delivered_line_and_it_waits_for_moderation(client, delivered_line, product):
    response = submit(client, delivered_line, photos=[photo()])
    assert response.status_code == 302, response.context["form"].errors
    review = Review.objects.get()
    assert (review.rating, review.status, review.stall_id) == (5, "pending", product.producer.stall.pk)
    assert review.photos.count() == 1
    page = client.get(product.get_absolute_url()).content.decode()
    assert "Bánh thơm, vỏ mỏng" not in page  # not before moderation
    product.refresh_from_db()
    assert product.rating_count == 0 and product.rating_average is None


def test_buyer_whose_line_was_not_delivered_cannot_review(client, paid_order):
    line = paid_order.groups.get().lines.get()
    page = client.get(write_url(line))
    assert "chưa đánh dấu" in page.content.decode() or "not marked" in page.content.decode()
    assert b'name="rating"' not in page.content
    response = submit(client, line)  # the form posted anyway: refused on the server
    assert response.status_code == 403
    assert "khi đã nhận được hàng" in response.content.decode()
    assert not Review.objects.exists()


def test_service_refuses_an_undelivered_line(paid_order):
    line = paid_order.groups.get().lines.get()
    with pytest.raises(services.ReviewError):
        services.review_submit(line=line, rating=4, text="Ngon lắm mọi người ơi", author_name="B")


def test_one_review_per_line(client, delivered_line):
    submit(client, delivered_line)
    response = submit(client, delivered_line, text="Lần thứ hai viết đánh giá")
    assert response.status_code == 409
    assert Review.objects.count() == 1
    with pytest.raises(services.ReviewError):
        services.review_submit(line=delivered_line, rating=1, text="Một lần nữa thử xem", author_name="B")


def test_another_orders_token_does_not_open_the_line(client, delivered_line):
    other = OrderFactory()
    url = reverse("reviews:write", kwargs={"token": other.access_token, "line_pk": delivered_line.pk})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"rating": ""}, "rating", "Chọn từ 1 đến 5 sao."),
        ({"rating": "9"}, "rating", "Chọn từ 1 đến 5 sao."),
        ({"text": "ngon"}, "text", "Viết ít nhất 10 ký tự"),
        ({"author_name": ""}, "author_name", "Viết tên hiển thị"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_kept(client, delivered_line, data, field, message):
    response = submit(client, delivered_line, **{"text": "Bánh ngon, giao đúng hẹn.", **data})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    if field != "text":
        assert "Bánh ngon, giao đúng hẹn." in html  # what was typed is still there
    assert not Review.objects.exists()


def test_more_than_three_photos_are_refused(client, delivered_line):
    response = submit(client, delivered_line, photos=[photo(f"{n}.jpg") for n in range(4)])
    assert "tối đa 3" in response.content.decode()
    assert not Review.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(client, delivered_line):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    response = submit(client, delivered_line, photos=[fake])
    assert "không phải là ảnh đọc được" in response.content.decode()
    assert not Review.objects.exists()


def test_large_photo_is_stored_smaller_without_metadata(delivered_line):
    from onboarding.uploads import clean_image

    review = services.review_submit(
        line=delivered_line,
        rating=4,
        text="Ảnh chụp sản phẩm nhận được",
        author_name="Bình",
        photos=[clean_image(photo(size=(3000, 2000)))],
    )
    stored = review.photos.get()
    assert max(stored.width, stored.height) == services.PHOTO_MAX_SIDE


def test_reviews_for_phone_finds_the_buyers_reviews_whatever_the_form_of_the_number(delivered_line):
    services.review_submit(line=delivered_line, rating=4, text="Ngon, sẽ mua lại lần sau", author_name="Bình")
    assert [r.rating for r in services.reviews_for_phone("0912 345 678")] == [4]
    assert list(services.reviews_for_phone("0987 000 111")) == []
    assert list(services.reviews_for_phone("not a phone")) == []


# --- moderation -------------------------------------------------------------------------------


@pytest.fixture
def pending(delivered_line):
    return services.review_submit(
        line=delivered_line, rating=4, text="Bánh thơm, vỏ mỏng, giao nhanh.", author_name="Bình", photos=[]
    )


def test_officer_of_the_stalls_commune_publishes_a_review(client, officer, pending, product):
    client.force_login(officer)
    queue = client.get(reverse("reviews:moderation"))
    assert "Bánh thơm, vỏ mỏng" in queue.content.decode()
    response = client.post(reverse("reviews:moderate", args=[pending.pk]), {"decision": "approve"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.rating_count, product.rating_average) == (1, Decimal("4.00"))
    client.logout()
    page = client.get(product.get_absolute_url())
    html = page.content.decode()
    assert "Bánh thơm, vỏ mỏng" in html
    data = json_ld(page)
    assert data["aggregateRating"]["ratingValue"] == "4.00"
    assert data["aggregateRating"]["reviewCount"] == 1
    assert data["review"][0]["reviewRating"]["ratingValue"] == 4
    assert data["review"][0]["author"]["name"] == "Bình"


def test_officer_of_another_commune_cannot_moderate(client, pending):
    stranger = OfficerFactory(communes=[CommuneFactory()]).user
    client.force_login(stranger)
    assert "Bánh thơm" not in client.get(reverse("reviews:moderation")).content.decode()
    response = client.post(reverse("reviews:moderate", args=[pending.pk]), {"decision": "approve"})
    assert response.status_code == 404
    with pytest.raises(services.ReviewError):
        services.review_moderate(review=pending, approve=True, actor=stranger)
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_editor_publishes_then_withdraws_and_the_counters_follow(client, editor, pending, product):
    client.force_login(editor)
    client.post(reverse("reviews:moderate", args=[pending.pk]), {"decision": "approve"})
    product.refresh_from_db()
    assert product.rating_count == 1
    response = client.post(reverse("reviews:moderate", args=[pending.pk]), {"decision": "reject", "note": "Spam"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.rating_count, product.rating_average) == (0, None)
    assert "Bánh thơm, vỏ mỏng" not in client.get(product.get_absolute_url()).content.decode()


def test_rejecting_needs_a_reason(editor, pending):
    with pytest.raises(services.ReviewError):
        services.review_moderate(review=pending, approve=False, actor=editor, note="  ")


def test_household_and_anonymous_cannot_open_the_moderation_queue(client, household, pending):
    assert client.get(reverse("reviews:moderation")).status_code == 302  # to the login page
    client.force_login(household)
    assert client.get(reverse("reviews:moderation")).status_code == 403
    assert client.post(reverse("reviews:moderate", args=[pending.pk]), {"decision": "approve"}).status_code == 403


def test_average_of_several_reviews(editor, product):
    for rating in (5, 4, 4):
        order = OrderFactory(items=[(product, 1)], paid=True)
        line = deliver(order.groups.get()).lines.get()
        review = services.review_submit(line=line, rating=rating, text="Sản phẩm đúng mô tả", author_name="A")
        services.review_moderate(review=review, approve=True, actor=editor)
    product.refresh_from_db()
    assert (product.rating_count, product.rating_average) == (3, Decimal("4.33"))


def test_approving_twice_is_refused_and_counts_once(editor, pending, product):
    services.review_moderate(review=pending, approve=True, actor=editor)
    with pytest.raises(services.ReviewError):
        services.review_moderate(review=pending, approve=True, actor=editor)
    product.refresh_from_db()
    assert product.rating_count == 1


# --- the stall's answer -----------------------------------------------------------------------


def test_stall_answers_once(client, household, editor, pending, product):
    services.review_moderate(review=pending, approve=True, actor=editor)
    client.force_login(household)
    assert "Bánh thơm, vỏ mỏng" in client.get(reverse("reviews:stall-reviews")).content.decode()
    client.post(reverse("reviews:reply", args=[pending.pk]), {"reply": "Cảm ơn chị đã ủng hộ!"})
    again = client.post(reverse("reviews:reply", args=[pending.pk]), {"reply": "Lần hai"}, follow=True)
    assert "trả lời một lần" in again.content.decode()
    pending.refresh_from_db()
    assert pending.reply == "Cảm ơn chị đã ủng hộ!"
    client.logout()
    assert "Cảm ơn chị đã ủng hộ!" in client.get(product.get_absolute_url()).content.decode()


def test_another_household_cannot_answer(client, editor, pending):
    from tests.factories.producers import StallFactory, UserFactory

    services.review_moderate(review=pending, approve=True, actor=editor)
    other = UserFactory(groups=[roles.FARMER])
    other_stall = StallFactory()
    other_stall.producer.owner = other
    other_stall.producer.save()
    client.force_login(other)
    assert client.post(reverse("reviews:reply", args=[pending.pk]), {"reply": "Chen ngang"}).status_code == 404
    with pytest.raises(services.ReviewError):
        services.review_reply(review=pending, text="Chen ngang", actor=other)


def test_a_pending_review_cannot_be_answered(household, pending):
    with pytest.raises(services.ReviewError):
        services.review_reply(review=pending, text="Cảm ơn", actor=household)


# --- "đã bán" ---------------------------------------------------------------------------------


def test_sold_counts_delivered_quantities_only(product):
    OrderFactory(items=[(product, 3)], paid=True)  # paid, not delivered: not sold yet
    deliver(OrderFactory(items=[(product, 2)], paid=True).groups.get())
    product.refresh_from_db()
    assert product.sold_count == 2


def test_a_delivered_part_refunded_is_no_longer_sold(product, editor):
    from orders.models import Payment
    from orders.services import record_refund
    from tests.factories.orders import PaymentFactory

    order = OrderFactory(items=[(product, 2)], paid=True)
    group = deliver(order.groups.get())
    from orders import settlement

    settlement.record_sale(group)
    payment = PaymentFactory(order=order, amount=order.total, status=Payment.Status.SUCCEEDED)
    record_refund(payment, amount=order.total, group=group, provider_id="re_1", reason="Hỏng", by=editor)
    group.refresh_from_db()
    assert group.status == FulfilmentGroup.Status.REFUNDED
    product.refresh_from_db()
    assert product.sold_count == 0


def test_cards_show_rating_and_sold_and_the_page_cache_is_dropped(client, editor, pending, product):
    listing = reverse("catalog:product-list")
    first = client.get(listing).content.decode()
    assert "Đã bán 2" in first and "★ 4,0" not in first
    services.review_moderate(review=pending, approve=True, actor=editor)
    html = client.get(listing).content.decode()
    assert "★ 4,0 (1)" in html
    assert "Đã bán 2" in html
    assert "Được 1 người mua chấm 4,0/5" in html


def test_product_page_shows_sold_count(client, delivered_line, product):
    html = client.get(product.get_absolute_url()).content.decode()
    assert "Đã bán 2" in html


def test_editing_a_product_keeps_the_counters_the_services_changed(editor, pending, product):
    stale = Product.objects.get(pk=product.pk)  # an edit form loaded before the review was published
    services.review_moderate(review=pending, approve=True, actor=editor)
    stale.name = "Bánh pía sầu riêng trứng muối"
    stale.save()
    product.refresh_from_db()
    assert (product.name, product.rating_count, product.sold_count) == ("Bánh pía sầu riêng trứng muối", 1, 2)


def test_json_feed_has_rating_and_sold_and_validates(editor, pending, product):
    from pathlib import Path

    import jsonschema

    from feeds.services import partner_create
    from tests.factories.catalog import ImageFactory, ProductImageFactory
    from tests.feeds.helpers import generate, json_doc

    ProductImageFactory(product=product, image=ImageFactory())
    product.short_description = "Bánh pía nhân sầu riêng, trứng muối"
    product.save()
    services.review_moderate(review=pending, approve=True, actor=editor)
    from feeds.models import ProducerOptIn

    partner, _token = partner_create(name="Postmart", slug="postmart", formats=("json",))
    ProducerOptIn.objects.create(partner=partner, producer=product.producer)
    doc = json_doc(generate(partner, "json")[0])
    schema = json.loads((Path(__file__).resolve().parents[2] / "feeds/schema/products-v1.schema.json").read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)
    entry = next(i for i in doc["items"] if i["id"] == str(product.pk))
    assert entry["rating"] == {"average": 4.0, "count": 1}
    assert entry["sold"] == 2


def test_google_product_reviews_feed_lists_published_reviews_only(client, editor, pending, product):
    from lxml import etree

    from tests.factories.orders import OrderFactory as Orders

    other_line = deliver(Orders(items=[(product, 1)], paid=True).groups.get()).lines.get()
    services.review_submit(line=other_line, rating=1, text="Chưa duyệt nên không được hiện", author_name="X")
    services.review_moderate(review=pending, approve=True, actor=editor)
    response = client.get("/feeds/product-reviews.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(b"".join(response.streaming_content))
    assert root.findtext("version") == "2.3"
    reviews = root.findall("reviews/review")
    assert len(reviews) == 1
    (review,) = reviews
    assert [child.tag for child in review] == [
        "review_id",
        "reviewer",
        "review_timestamp",
        "content",
        "review_url",
        "ratings",
        "products",
        "is_spam",
    ]
    assert review.findtext("reviewer/name") == "Bình"
    assert review.find("ratings/overall").text == "4" and review.find("ratings/overall").get("max") == "5"
    assert review.findtext("products/product/product_ids/skus/sku") == str(product.pk)
    assert review.findtext("review_url").endswith(f"{product.get_absolute_url()}#review-{pending.pk}")

"""The public trace page, the household's two screens, and where the batch shows elsewhere."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import OcopCertificate
from core import roles
from tests.factories.catalog import OcopCertificateFactory, ProductFactory
from tests.factories.producers import OfficerFactory, UserFactory
from tests.factories.traceability import draft_batch, published_batch
from traceability.models import Batch, TraceEvent

pytestmark = pytest.mark.django_db

ENGLISH_ON_VI = [
    "Product traceability",
    "From field to package",
    "Batch number",
    "Packing date",
    "Buy this product",
    "Harvest",
    "Packing",
    "Producer",
]


@pytest.fixture
def household():
    farmer = UserFactory(groups=[roles.FARMER])
    product = ProductFactory(name="Mứt gừng Hội An")
    product.producer.owner = farmer
    product.producer.save()
    return farmer, product


def test_trace_page_shows_the_batch_timeline_and_certificate_in_vietnamese(
    client, household, django_assert_max_num_queries
):
    _farmer, product = household
    OcopCertificateFactory(product=product, stars=4, decision_number="123/QĐ-UBND")
    batch = published_batch(product=product, code="MG-07")
    client.get(f"/truy-xuat/{batch.trace_code}/")  # the reference data (menu, settings) into the cache
    with django_assert_max_num_queries(14):
        response = client.get(f"/truy-xuat/{batch.trace_code}/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Mứt gừng Hội An", "MG-07", "Thu hoạch", "Đóng gói", "Thu hoạch buổi sáng", "123/QĐ-UBND"):
        assert text in page
    assert "còn hiệu lực" in page and product.producer.stall.name in page
    assert product.get_absolute_url() in page  # a link to buy
    # No inline script: only JSON-LD, and the site's own files (the search box's suggestions).
    scripts = re.sub(r'<script type="application/ld\+json">.*?</script>', "", page, flags=re.S)
    assert "<script" not in re.sub(r'<script src="/static/[^"]+" defer></script>', "", scripts)
    for english in ENGLISH_ON_VI:
        assert f">{english}<" not in page, english
    from traceability.queries import _events, _trace

    # The nine-table query and the timeline's are compiled once per process.
    assert _trace.is_precompiled() and _events.is_precompiled()
    # Harvest before packing on the timeline.
    assert page.index("Thu hoạch buổi sáng") < page.index("Đóng hộp 500 g")


def test_trace_page_in_english(client, household):
    _farmer, product = household
    batch = published_batch(product=product)
    page = client.get(f"/en/truy-xuat/{batch.trace_code}/").content.decode()
    assert "From field to package" in page and "Harvest" in page and "Buy this product" in page


def test_an_expired_certificate_is_shown_as_expired(client, household):
    _farmer, product = household
    OcopCertificateFactory(
        product=product,
        stars=5,
        decision_date=timezone.localdate() - datetime.timedelta(days=1200),
        expires_on=timezone.localdate() - datetime.timedelta(days=5),
    )
    batch = published_batch(product=product)
    page = client.get(f"/truy-xuat/{batch.trace_code}/").content.decode()
    assert "đã hết hạn" in page and "còn hiệu lực" not in page


@pytest.mark.parametrize("code", ["KHONGCOMA1", "abc", "ZZZZZZZZZZ"])
def test_unknown_codes_get_a_clear_page(client, code):
    response = client.get(f"/truy-xuat/{code}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy mã truy xuất" in page and "Khám phá sản phẩm" in page


def test_unpublished_batch_and_withdrawn_product_are_not_public(client, household):
    _farmer, product = household
    draft = draft_batch(product=product)
    assert client.get(f"/truy-xuat/{draft.trace_code}/").status_code == 404
    batch = published_batch(product=product, code="other")
    product.status = "archived"
    product.save()
    assert client.get(f"/truy-xuat/{batch.trace_code}/").status_code == 404


def test_typed_codes_are_forgiving(client, household):
    batch = published_batch(product=household[1])
    assert client.get(f"/truy-xuat/{batch.trace_code.lower()}/").status_code == 200


def test_gs1_digital_link_opens_the_trace_page_only_with_its_gtin(client, household):
    batch = published_batch(product=household[1], gtin="8935049500018")
    assert client.get(f"/01/08935049500018/10/{batch.trace_code}").status_code == 200
    assert client.get(f"/01/8935049500018/10/{batch.trace_code}").status_code == 200
    assert client.get(f"/01/09506000134352/10/{batch.trace_code}").status_code == 404


def test_trace_page_is_cached_and_dropped_when_a_correction_is_added(client, household, settings):
    from traceability.services import EventData, event_add

    settings.STOREFRONT_CACHE_SECONDS = 300
    batch = published_batch(product=household[1])
    url = f"/truy-xuat/{batch.trace_code}/"
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    commune = batch.product.producer.stall.commune
    event_add(batch=batch, actor=None, event=EventData("correction", commune, timezone.now(), note="Sai ngày đóng gói"))
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss" and "Sai ngày đóng gói" in response.content.decode()


# --- the household's two screens -------------------------------------------------------------


def _new_batch_post(product, **overrides):
    today = timezone.localdate()
    commune = product.producer.stall.commune
    data = {
        "product": product.pk,
        "code": "L2025-08",
        "produced_on": (today - datetime.timedelta(days=6)).isoformat(),
        "packed_on": (today - datetime.timedelta(days=4)).isoformat(),
        "expires_on": (today + datetime.timedelta(days=200)).isoformat(),
        "expiry_kind": "best_before",
        "quantity": "80",
        "quantity_unit": "hũ",
        "standards": ["ocop"],
        "gtin": "",
        "ev-TOTAL_FORMS": "3",
        "ev-INITIAL_FORMS": "0",
        "ev-MIN_NUM_FORMS": "0",
        "ev-MAX_NUM_FORMS": "10",
        "ev-0-stage": "harvest",
        "ev-0-commune": commune.pk,
        "ev-0-occurred_at": (timezone.localtime() - datetime.timedelta(days=6)).strftime("%Y-%m-%dT08:00"),
        "ev-0-note": "Hái gừng non",
        "ev-1-stage": "packing",
        "ev-1-commune": commune.pk,
        "ev-1-occurred_at": (timezone.localtime() - datetime.timedelta(days=4)).strftime("%Y-%m-%dT15:00"),
        "ev-2-commune": commune.pk,
    }
    data.update(overrides)
    return data


def test_household_records_publishes_and_prints_a_batch_in_two_screens(client, household):
    farmer, product = household
    client.force_login(farmer)
    form = client.get(reverse("traceability:batch-new"))
    assert form.status_code == 200 and "Bước 1/2" in form.content.decode()
    assert len(re.findall(r'name="ev-\d+-stage"', form.content.decode())) == 3  # three steps, the first required
    # Screen 1: the batch and its first steps.
    response = client.post(reverse("traceability:batch-new"), _new_batch_post(product))
    batch = Batch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("traceability:batch", args=[batch.pk])
    assert [e.stage for e in batch.events.all()] == ["harvest", "packing"]
    assert not batch.by_officer and batch.created_by == farmer
    # Screen 2: publish, then the stamp form is there.
    client.post(reverse("traceability:publish", args=[batch.pk]))
    page = client.get(reverse("traceability:batch", args=[batch.pk])).content.decode()
    assert "Bước 2/2" in page and "Tải tờ tem (PDF)" in page
    assert Batch.objects.get().is_published


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("produced_on", "2999-01-01", "Ngày sản xuất hoặc thu hoạch không thể ở tương lai."),
        ("expires_on", "2000-01-01", "Hạn dùng không thể trước ngày đóng gói."),
        ("ev-1-stage", "planting", "không thể sau"),
        ("ev-0-commune", "99999", "đơn vị hành chính có hiệu lực từ năm 2025"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(client, household, field, value, message):
    farmer, product = household
    client.force_login(farmer)
    response = client.post(reverse("traceability:batch-new"), _new_batch_post(product, **{field: value}))
    assert response.status_code == 200
    page = response.content.decode()
    block = page[page.index(f'id="f-{field}"') :]
    assert message in block[: block.index("</div>")]
    assert not Batch.objects.exists() and not TraceEvent.objects.exists()


def test_officer_records_for_the_household_and_is_marked(client, household):
    _farmer, product = household
    officer = OfficerFactory(communes=[product.producer.stall.commune]).user
    client.force_login(officer)
    client.post(reverse("traceability:batch-new"), _new_batch_post(product))
    batch = Batch.objects.get()
    assert batch.by_officer
    client.post(reverse("traceability:publish", args=[batch.pk]))
    page = client.get(f"/truy-xuat/{batch.trace_code}/").content.decode()
    assert "Do cán bộ nhập hộ cơ sở sản xuất" in page


def test_other_households_and_officers_of_other_communes_get_404(client, household):
    batch = draft_batch(product=household[1])
    for user in (UserFactory(groups=[roles.FARMER]), OfficerFactory().user):
        client.force_login(user)
        assert client.get(reverse("traceability:batch", args=[batch.pk])).status_code == 404
        assert client.post(reverse("traceability:publish", args=[batch.pk])).status_code == 404
        response = client.post(reverse("traceability:batch-new"), _new_batch_post(household[1]))
        assert response.status_code == 200 and not Batch.objects.exclude(pk=batch.pk).exists()
    assert not Batch.objects.get(pk=batch.pk).is_published


def test_a_published_batch_takes_a_correction_on_screen_two(client, household):
    farmer, product = household
    batch = published_batch(product=product)
    client.force_login(farmer)
    url = reverse("traceability:event-add", args=[batch.pk])
    data = {
        "stage": "correction",
        "commune": product.producer.stall.commune.pk,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "note": "Số lượng đúng là 110 hộp",
    }
    assert client.post(url, data).status_code == 302
    assert batch.events.last().is_correction
    too_early = {**data, "stage": "harvest", "occurred_at": "2020-01-01T08:00", "note": ""}
    response = client.post(url, too_early)
    assert response.status_code == 400 and "Các sự kiện phải theo thứ tự" in response.content.decode()


# --- where it shows ----------------------------------------------------------------------------


def test_product_page_links_its_latest_published_batch(client, household, django_assert_max_num_queries):
    _farmer, product = household
    published_batch(product=product, code="OLD", packed_on=timezone.localdate() - datetime.timedelta(days=9))
    newest = published_batch(product=product, code="NEW")
    draft_batch(product=product, code="DRAFT")
    client.get(product.get_absolute_url())  # the reference data (menu, offers, settings) into the cache
    with django_assert_max_num_queries(14):
        page = client.get(product.get_absolute_url()).content.decode()
    assert "Truy xuất nguồn gốc" in page
    assert f'href="/truy-xuat/{newest.trace_code}/"' in page and "Lô mới nhất NEW" in page
    from traceability.queries import _latest_batch, _product_page_qr

    # The block's two queries run on every product page: compiled once per process.
    assert _latest_batch.is_precompiled() and _product_page_qr.is_precompiled()


def test_product_page_without_batch_has_no_trace_block(client, household):
    page = client.get(household[1].get_absolute_url()).content.decode()
    assert "Truy xuất nguồn gốc" not in page


def test_feeds_carry_the_current_batch_trace_url(household):
    from catalog.models import Product
    from catalog.pricing import price_for
    from feeds.formats import FeedContext, google, json_feed
    from feeds.queries import feed_rows

    _farmer, product = household
    batch = published_batch(product=product, gtin="8935049500018")
    (rows,) = list(feed_rows(Product.objects.filter(pk=product.pk)))
    (row,) = rows
    url = f"http://testserver/01/08935049500018/10/{batch.trace_code}"
    assert row.trace_url == url
    ctx = FeedContext(partner=None, fmt="google", since=None, generated_at=timezone.now(), categories={}, mappings={})
    row.images = ["original_images/mut-gung.jpg"]
    price = price_for(row, ())
    assert f"<ocop:trace_link>{url}</ocop:trace_link>" in google.item(row, price, ctx, description="Mô tả")
    assert f'"trace_url":"{url}"' in json_feed.item(row, price, ctx, description="Mô tả")


def test_stall_records_the_batch_an_order_line_shipped_from(client, household):
    from tests.factories.orders import OrderFactory

    farmer, product = household
    batch = published_batch(product=product)
    other_product_batch = published_batch(code="X")
    order = OrderFactory(items=[(product, 1)])
    group = order.groups.get()
    line = group.lines.get()
    client.force_login(farmer)
    page = client.get(reverse("orders:stall-order", args=[group.pk])).content.decode()
    assert "Lô hàng đã giao" in page and batch.code in page
    url = reverse("orders:line-batch", args=[group.pk, line.pk])
    client.post(url, {"batch": other_product_batch.pk})
    line.refresh_from_db()
    assert line.batch is None  # another product's batch is refused
    client.post(url, {"batch": batch.pk})
    line.refresh_from_db()
    assert line.batch == batch
    client.force_login(UserFactory(groups=[roles.FARMER]))
    assert client.post(url, {"batch": ""}).status_code == 404


def test_certificate_status_revoked_is_not_shown_as_valid(client, household):
    _farmer, product = household
    OcopCertificateFactory(product=product, stars=3, status=OcopCertificate.Status.REVOKED)
    batch = published_batch(product=product)
    page = client.get(f"/truy-xuat/{batch.trace_code}/").content.decode()
    assert "đã bị thu hồi" in page

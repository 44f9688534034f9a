import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Product
from feeds.models import CategoryMapping, FeedRunExclusion
from tests.factories.catalog import OcopCertificateFactory, ProductImageFactory
from tests.factories.cms import promotion, promotion_index

from .helpers import generate, google_items, json_doc

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).resolve().parents[2] / "feeds" / "schema" / "products-v1.schema.json"


@pytest.fixture
def catalog(make_product, stall, category, partner_with_token):
    tricky = make_product(
        stall=stall,
        category=category,
        name="Bánh pía & mứt <đặc biệt> “Sóc Trăng”",
        description="<p>Vỏ mỏng &amp; nhân <b>đậu xanh</b>.</p><p>Hộp 400g.</p>",
        price=150000,
        stock=10,
        weight_grams=400,
    )
    sold_out = make_product(stall=stall, category=category, name="Mứt dừa", stock=0, price=80000)
    OcopCertificateFactory(product=tricky, stars=4)
    ProductImageFactory(product=tricky)  # a second image
    partner, _token = partner_with_token(producers=[stall.producer])
    CategoryMapping.objects.create(partner=partner, category=category.parent, external_category="422")
    return partner, tricky, sold_out


def test_google_xml_parses_and_items_carry_required_attributes(catalog):
    partner, tricky, sold_out = catalog
    body, run = generate(partner, "google")

    items = google_items(body)
    assert set(items) == {str(tricky.pk), str(sold_out.pk)}
    item = items[str(tricky.pk)]
    assert item["title"] == "Bánh pía & mứt <đặc biệt> “Sóc Trăng”"
    assert item["description"] == "Vỏ mỏng & nhân đậu xanh.\nHộp 400g."
    assert item["price"] == "150000 VND"
    assert item["availability"] == "in_stock"
    assert item["link"] == f"http://testserver/products/{tricky.slug}/"
    assert item["image_link"].startswith("http://testserver/media/original_images/")
    assert len(item["additional_image_link"]) == 1
    assert item["brand"] == tricky.producer.stall.name  # as the product page's schema.org brand
    assert item["condition"] == "new"
    assert item["identifier_exists"] == "no"
    assert item["google_product_category"] == "422"  # mapped on the parent group
    assert item["product_type"] == "Thực phẩm > Bánh kẹo"
    assert item["shipping_weight"] == "400 g"
    assert item["custom_label_0"] == "OCOP 4 sao"
    assert item["custom_label_1"] == tricky.producer.stall.province.name
    assert "sale_price" not in item and "sale_price_effective_date" not in item
    assert items[str(sold_out.pk)]["availability"] == "out_of_stock"
    assert "&amp; mứt &lt;đặc biệt&gt;".encode() in body
    assert (run.items, run.excluded, run.bytes, run.status) == (2, 0, len(body), "succeeded")


def test_sale_price_only_while_a_promotion_is_live(catalog):
    partner, tricky, sold_out = catalog
    index = promotion_index()
    live = promotion(index, products=[tricky], discount_value=10)
    promotion(index, products=[sold_out], discount_value=50, starts_in=datetime.timedelta(days=2))  # not started

    items = google_items(generate(partner, "google")[0])

    item = items[str(tricky.pk)]
    assert item["price"] == "150000 VND"
    assert item["sale_price"] == "135000 VND"
    start, end = item["sale_price_effective_date"].split("/")
    assert datetime.datetime.fromisoformat(start) == live.starts_at.replace(microsecond=0)
    assert datetime.datetime.fromisoformat(end) == live.ends_at.replace(microsecond=0)
    assert "sale_price" not in items[str(sold_out.pk)]


def test_json_validates_against_the_committed_schema(catalog):
    jsonschema = pytest.importorskip("jsonschema")
    partner, tricky, _sold_out = catalog
    promotion(products=[tricky], discount_value=10)
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)

    doc = json_doc(generate(partner, "json")[0])

    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)
    item = next(i for i in doc["items"] if i["id"] == str(tricky.pk))
    assert item["price"]["amount"] == 150000 and item["price"]["sale_amount"] == 135000
    assert item["ocop"]["stars"] == 4 and item["ocop"]["certificates"][0]["stars"] == 4
    assert item["stall"]["name"] == "Gian hàng Bánh pía & Mứt <Sóc Trăng>"
    assert (doc["count"], doc["deleted"], doc["excluded"]) == (2, 0, 0)


def test_json_with_deletions_validates(catalog):
    jsonschema = pytest.importorskip("jsonschema")
    partner, tricky, sold_out = catalog
    since = timezone.now() - datetime.timedelta(minutes=1)
    Product.objects.filter(pk=sold_out.pk).update(status=Product.Status.ARCHIVED, updated_at=timezone.now())

    doc = json_doc(generate(partner, "json", since=since)[0])

    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    assert {(i["id"], i["deleted"]) for i in doc["items"]} == {(str(tricky.pk), False), (str(sold_out.pk), True)}


def test_csv_round_trips_with_bom_and_vietnamese_text(catalog):
    partner, tricky, _sold_out = catalog
    body, _run = generate(partner, "csv")

    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    row = next(r for r in rows if r["id"] == str(tricky.pk))
    assert row["title"] == "Bánh pía & mứt <đặc biệt> “Sóc Trăng”"
    assert row["description"] == "Vỏ mỏng & nhân đậu xanh.\nHộp 400g."  # plain text, no HTML
    assert row["price"] == "150000 VND"
    assert row["availability"] == "in stock"
    assert row["quantity_to_sell_on_facebook"] == "10"
    assert row["custom_label_0"] == "OCOP 4 sao"
    assert row["google_product_category"] == "422"
    assert row["brand"] == tricky.producer.stall.name
    assert len(rows) == 2


@pytest.mark.parametrize("fmt", ["google", "csv", "json"])
def test_products_missing_what_a_format_needs_are_excluded_and_logged(fmt, make_product, stall, partner_with_token):
    good = make_product(stall=stall)
    no_image = make_product(stall=stall, with_image=False, name="Không ảnh")
    no_text = make_product(stall=stall, name="Không mô tả", short_description="", description="")
    free = make_product(stall=stall, name="Giá 0", price=0)
    partner, _ = partner_with_token(producers=[stall.producer])

    body, run = generate(partner, fmt)

    assert (run.items, run.excluded) == (1, 3)
    logged = {(e.product_id, e.product_name, e.reason) for e in run.exclusions.all()}
    assert logged == {
        (no_image.pk, "Không ảnh", FeedRunExclusion.Reason.NO_IMAGE),
        (no_text.pk, "Không mô tả", FeedRunExclusion.Reason.NO_DESCRIPTION),
        (free.pk, "Giá 0", FeedRunExclusion.Reason.NO_PRICE),
    }
    assert str(good.pk).encode() in body
    for product in (no_image, no_text, free):
        assert product.name.encode() not in body


@pytest.mark.parametrize("fmt", ["google", "csv", "json"])
def test_queries_per_chunk_do_not_grow_with_the_catalog(fmt, make_product, stall, partner_with_token):
    """10 products and 50 products in chunks of 10: the same queries per chunk (no N+1)."""
    partner, _ = partner_with_token(producers=[stall.producer])
    for n in range(10):
        OcopCertificateFactory(product=make_product(stall=stall, name=f"SP {n}"))

    def queries_for_feed():
        with CaptureQueriesContext(connection) as ctx:
            _body, run = generate(partner, fmt, chunk_size=10)
        return len(ctx.captured_queries), run.items

    small, items = queries_for_feed()
    assert items == 10
    for n in range(40):
        OcopCertificateFactory(product=make_product(stall=stall, name=f"SP lớn {n}"))
    large, items = queries_for_feed()
    assert items == 50
    # Four queries per extra chunk of 10 (products, images, certificates, current batches),
    # nothing per product.
    assert large - small == 4 * 4


@pytest.mark.parametrize("chunk_size", [1000, 2])
def test_each_item_carries_its_own_images_stars_and_trace_link_among_other_stalls_products(
    chunk_size, make_product, stall, partner_with_token
):
    """A chunk's images, certificates and batches are read by the range of its ids when the
    partner's products are most of it: products of a stall that did not opt in, between
    them, must lend them nothing."""
    from tests.factories.producers import StallFactory
    from tests.factories.traceability import published_batch

    other = StallFactory()
    listed, hidden = [], []
    for n in range(3):
        listed.append(make_product(stall=stall, name=f"Bánh pía {n}"))
        between = make_product(stall=other, name=f"Mứt gừng {n}")
        ProductImageFactory(product=between)  # an image of its own, besides the shared one
        OcopCertificateFactory(product=between, stars=5)
        published_batch(product=between, code=f"L-OTHER-{n}")
        hidden.append(between)
    OcopCertificateFactory(product=listed[1], stars=3)
    batch = published_batch(product=listed[2], code="L-LISTED-2")
    partner, _token = partner_with_token(producers=[stall.producer])

    body, run = generate(partner, "google", chunk_size=chunk_size)

    items = google_items(body)
    assert run.status == run.Status.SUCCEEDED
    assert sorted(items) == sorted(str(p.pk) for p in listed)
    shared_image = listed[0].images.get().image.file.name
    for product in listed:
        item = items[str(product.pk)]
        assert item["image_link"].endswith(shared_image)
        assert "additional_image_link" not in item
    assert [items[str(p.pk)].get("custom_label_0") for p in listed] == [None, "OCOP 3 sao", None]
    assert [items[str(p.pk)].get("trace_link") for p in listed] == [None, None, items[str(listed[2].pk)]["trace_link"]]
    assert batch.trace_code in items[str(listed[2].pk)]["trace_link"]

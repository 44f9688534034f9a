"""Every change of a product's feed entry reaches ``?since=``, the ETag and Last-Modified.

The property test plays random sequences of the changes a catalog sees (editors, orders,
certificates, renames, promotions, the clock) and checks, in all three formats, that the
incremental feed applied to the old full feed gives the new full feed.
"""

import csv
import datetime
import io
import re
import zoneinfo

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import services as catalog_services
from catalog.models import Category, OcopCertificate, Product, ProductImage
from feeds import views
from feeds.models import FeedRun, ProducerOptIn
from feeds.services import partner_create
from orders import services as orders
from orders.cart import SESSION_KEY
from orders.models import Order
from tests.factories import cms as cms_factories
from tests.factories.catalog import (
    CategoryFactory,
    ImageFactory,
    OcopCertificateFactory,
    ProductFactory,
    ProductImageFactory,
)
from tests.factories.producers import CommuneFactory, StallFactory

from .helpers import generate, google_items, json_doc

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime.datetime(2026, 3, 10, 20, 0, tzinfo=TZ)
FORMATS = ("google", "csv", "json")


# --- reading the three formats into {id: entry} ----------------------------------------------


def entries(fmt: str, body: bytes) -> tuple[dict, set]:
    """``({id: entry}, {deleted ids})`` of a feed body; the build time is left out."""
    if fmt == "google":
        items = google_items(body)
        deleted = {pk for pk, item in items.items() if item.get("deleted") == "true"}
        return {pk: item for pk, item in items.items() if pk not in deleted}, deleted
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        deleted = {row["id"] for row in rows if row["status"] == "archived"}
        return {row["id"]: row for row in rows if row["id"] not in deleted}, deleted
    items = json_doc(body)["items"]
    deleted = {item["id"] for item in items if item["deleted"]}
    return {item["id"]: item for item in items if not item["deleted"]}, deleted


def applied(old: dict, incremental: tuple[dict, set]) -> dict:
    changed, deleted = incremental
    new = {pk: entry for pk, entry in old.items() if pk not in deleted}
    new.update(changed)
    return new


def full(partner, fmt):
    return entries(fmt, generate(partner, fmt)[0])


def since(partner, fmt, moment):
    return entries(fmt, generate(partner, fmt, since=moment)[0])


def etag(partner, fmt, since_at=None):
    from django.utils import timezone

    from catalog.pricing import live_offers

    now = timezone.now()
    return views._validators(partner, fmt, since_at, live_offers(now), now)[0]


# --- the world: two opted-in stalls, one that is not, categories, promotions, certificates ----


class World:
    def __init__(self):
        self.parent = CategoryFactory(name="Thực phẩm")
        self.child = CategoryFactory(name="Bánh kẹo", parent=self.parent)
        self.other = CategoryFactory(name="Đồ uống")
        self.image = ImageFactory()
        self.stalls = [StallFactory(name=f"Gian hàng {n}") for n in range(3)]
        self.products = []
        for n, (stall, category) in enumerate(
            [(0, self.child), (0, self.other), (1, self.child), (1, self.parent), (2, self.child)]
        ):
            product = ProductFactory(
                producer=self.stalls[stall].producer, category=category, name=f"Sản phẩm {n}", stock=3
            )
            ProductImageFactory(product=product, image=self.image)
            self.products.append(product)
        self.cert = OcopCertificateFactory(
            product=self.products[0], stars=4, expires_on=START.date() + datetime.timedelta(days=1)
        )
        index = cms_factories.promotion_index()
        # On sale now, over a category; upcoming over one product; a draft over a producer.
        self.on_sale = cms_factories.promotion(index, categories=[self.child], discount_value=10)
        self.upcoming = cms_factories.promotion(
            index, products=[self.products[1]], starts_in=datetime.timedelta(hours=3), discount_value=20
        )
        self.draft = cms_factories.promotion(index, producers=[self.stalls[1].producer], live=False, discount_value=30)
        self.partner, _token = partner_create(name="Postmart", slug="postmart", formats=FORMATS)
        self.picky, _token = partner_create(name="Sao", slug="sao", formats=FORMATS, min_stars=4)
        for partner in (self.partner, self.picky):
            for stall in self.stalls[:2]:
                ProducerOptIn.objects.create(partner=partner, producer=stall.producer)

    def product(self, n):
        return Product.objects.get(pk=self.products[n % len(self.products)].pk)


def _edit_price(w, n):
    product = w.product(n)
    if product:
        product.price += 1000
        product.save()


def _reserve(w, n):
    product = w.product(n)
    if product.stock > 0 and product.status == Product.Status.PUBLISHED:
        orders._reserve_lines([(product.pk, 1, product.name)])


def _release(w, n):
    # What _release_group_stock does for one line of a cancelled part.
    product = w.product(n)
    catalog_services.stock_give_back(product_id=product.pk, quantity=1)
    catalog_services.stock_changed({product.pk: 1})


def _add_cert(w, n):
    OcopCertificateFactory(product=w.product(n), stars=5, expires_on=START.date() + datetime.timedelta(days=30))


def _revoke_cert(w, n):
    cert = OcopCertificate.objects.filter(status=OcopCertificate.Status.ACTIVE).order_by("pk").first()
    if cert:
        cert.status = OcopCertificate.Status.REVOKED
        cert.save()


def _rename_category(w, n):
    category = Category.objects.get(pk=[w.parent, w.child, w.other][n % 3].pk)
    category.name += " mới"
    category.save()


def _rename_stall(w, n):
    stall = w.stalls[n % 3]
    stall.refresh_from_db()
    stall.name += " mới"
    stall.save()


def _rename_producer(w, n):
    producer = w.stalls[n % 3].producer
    producer.refresh_from_db()
    producer.legal_name += " mới"
    producer.save()


def _unpublish_stall(w, n):
    stall = w.stalls[n % 3]
    stall.refresh_from_db()
    stall.is_published = not stall.is_published
    stall.save()


def _publish_promotion(w, n):
    page = w.draft.specific_class.objects.get(pk=w.draft.pk)
    page.save_revision().publish()


def _unpublish_promotion(w, n):
    page = w.on_sale.specific_class.objects.get(pk=w.on_sale.pk)
    if page.live:
        page.unpublish()


def _edit_promotion(w, n):
    from cms.models import PromotionProduct

    page = w.on_sale.specific_class.objects.get(pk=w.on_sale.pk)
    if page.live:
        page.discount_value = 10 + n
        page.categories = [w.other] if n % 2 else [w.child]
        page.promoted_products = [PromotionProduct(product=w.product(n))]
        page.save_revision().publish()


def _toggle_product(w, n):
    product = w.product(n)
    product.status = Product.Status.ARCHIVED if product.status == Product.Status.PUBLISHED else "published"
    product.save()


def _delete_product(w, n):
    product = w.product(n)
    if product.pk != w.products[0].pk:
        w.products.remove(next(p for p in w.products if p.pk == product.pk))
        product.delete()


def _remove_image(w, n):
    ProductImage.objects.filter(product=w.product(n)).delete()


def _add_image(w, n):
    ProductImageFactory(product=w.product(n), image=w.image)


def _publish_batch(w, n):
    from tests.factories.traceability import published_batch

    published_batch(product=w.product(n))  # its trace link is part of the entry


EVENTS = {
    "edit_price": _edit_price,
    "reserve": _reserve,
    "release": _release,
    "add_certificate": _add_cert,
    "revoke_certificate": _revoke_cert,
    "rename_category": _rename_category,
    "rename_stall": _rename_stall,
    "rename_producer": _rename_producer,
    "toggle_stall": _unpublish_stall,
    "publish_promotion": _publish_promotion,
    "unpublish_promotion": _unpublish_promotion,
    "edit_promotion": _edit_promotion,
    "toggle_product": _toggle_product,
    "delete_product": _delete_product,
    "remove_image": _remove_image,
    "add_image": _add_image,
    # The clock: a promotion starts (+3 h), a certificate expires at midnight (+1 day), one ends (+8 days).
    "wait_hours": None,
    "wait_day": None,
    "wait_week": None,
}
WAITS = {"wait_hours": datetime.timedelta(hours=3, minutes=5), "wait_day": datetime.timedelta(days=1)}
WAITS["wait_week"] = datetime.timedelta(days=8)

event_lists = st.lists(st.tuples(st.sampled_from(sorted(EVENTS)), st.integers(0, 5)), max_size=6)


class _Rollback(Exception):
    pass


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=event_lists, after=event_lists)
def test_incremental_feed_applied_to_the_old_full_feed_gives_the_new_one(db, before, after):
    try:
        with time_machine.travel(START, tick=False) as clock, transaction.atomic():
            world = World()

            def play(events):
                for name, n in events:
                    clock.shift(datetime.timedelta(minutes=1))
                    if EVENTS[name] is None:
                        clock.shift(WAITS[name])
                    else:
                        EVENTS[name](world, n)

            play(before)
            clock.shift(datetime.timedelta(seconds=1))
            from django.utils import timezone

            t0 = timezone.now()
            old = {(p.slug, fmt): full(p, fmt)[0] for p in (world.partner, world.picky) for fmt in FORMATS}
            tags = {(p.slug, fmt): etag(p, fmt) for p in (world.partner, world.picky) for fmt in FORMATS}
            clock.shift(datetime.timedelta(seconds=1))
            play(after)
            clock.shift(datetime.timedelta(minutes=1))
            for partner in (world.partner, world.picky):
                for fmt in FORMATS:
                    key = (partner.slug, fmt)
                    new = full(partner, fmt)[0]
                    assert applied(old[key], since(partner, fmt, t0)) == new, (key, before, after)
                    if new != old[key]:
                        assert etag(partner, fmt) != tags[key], (key, "the ETag did not change", before, after)
            raise _Rollback
    except _Rollback:
        pass


# --- a real checkout sells a product out; cancelling the order brings it back ---------------


def test_a_cash_on_delivery_checkout_that_sells_out_reaches_every_format(client, django_capture_on_commit_callbacks):
    stall = StallFactory(name="Gian hàng Mật ong")
    product = ProductFactory(producer=stall.producer, name="Mật ong rừng U Minh", stock=2, price=200000)
    ProductImageFactory(product=product)
    partner, token = partner_create(name="Postmart", slug="postmart", formats=FORMATS)
    ProducerOptIn.objects.create(partner=partner, producer=stall.producer)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    urls = {fmt: f"/feeds/postmart/{name}" for fmt, name in (("google", "google.xml"), ("csv", "products.csv"))}
    urls["json"] = "/feeds/postmart/products.json"
    past = datetime.datetime(2026, 1, 1, tzinfo=TZ)
    Product.objects.update(feed_changed_at=past)
    type(partner).objects.update(updated_at=past)

    def fetch_all(**headers):
        return {fmt: client.get(url, **auth, **headers) for fmt, url in urls.items()}

    def availability(fmt, body):
        entry = entries(fmt, body)[0][str(product.pk)]
        return entry["availability"].replace(" ", "_")

    first = fetch_all()
    validators = {fmt: (r["ETag"], r["Last-Modified"]) for fmt, r in first.items()}
    for fmt, response in first.items():
        assert availability(fmt, b"".join(response.streaming_content)) == "in_stock"
    for fmt, (tag, modified) in validators.items():
        assert client.get(urls[fmt], HTTP_IF_NONE_MATCH=tag, **auth).status_code == 304
        assert client.get(urls[fmt], HTTP_IF_MODIFIED_SINCE=modified, **auth).status_code == 304
    fetched_at = first["google"]["Last-Modified"]
    from django.utils import timezone

    checked_at = timezone.now()

    # The buyer checks out the last two jars, cash on delivery.
    session = client.session
    session[SESSION_KEY] = {str(product.pk): 2}
    session.save()
    commune = CommuneFactory()
    form = {
        "buyer_name": "Trần Thị Bình",
        "buyer_phone": "0912 345 678",
        "buyer_email": "binh@example.com",
        "province": commune.province.pk,
        "commune": commune.pk,
        "street_address": "12 Lê Lợi",
        "note": "",
        "payment_method": "cod",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("orders:checkout"), form).status_code == 302
    order = Order.objects.get()
    assert Product.objects.get(pk=product.pk).stock == 0

    def assert_everywhere(expected):
        for fmt, url in urls.items():
            tag, modified = validators[fmt]
            again = client.get(url, HTTP_IF_NONE_MATCH=tag, **auth)
            assert again.status_code == 200, f"{fmt}: the old ETag still gets 304"
            assert availability(fmt, b"".join(again.streaming_content)) == expected
            assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified, **auth).status_code == 200
            incremental = client.get(url, {"since": checked_at.isoformat()}, **auth)
            body = b"".join(incremental.streaming_content)
            assert set(entries(fmt, body)[0]) == {str(product.pk)}, fmt
            assert availability(fmt, body) == expected
            validators[fmt] = (again["ETag"], again.get("Last-Modified", modified))

    assert_everywhere("out_of_stock")
    assert fetched_at
    checked_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        orders.cancel_order(order, reason="Người mua đổi ý")
    assert Product.objects.get(pk=product.pk).stock == 2
    assert_everywhere("in_stock")


# --- each change kind, one by one: ``?since=`` lists exactly what it changed ----------------


def _listed_since(partner, moment, fmt="json"):
    changed, deleted = since(partner, fmt, moment)
    return set(changed) | deleted


KINDS = [
    ("product saved", lambda w: _edit_price(w, 2), {2}),
    ("stock reserved", lambda w: _reserve(w, 2), {2}),
    ("stock released", lambda w: _release(w, 3), {3}),
    ("certificate added", lambda w: _add_cert(w, 3), {3}),
    ("certificate revoked", lambda w: _revoke_cert(w, 0), {0}),
    ("category renamed", lambda w: _rename_category(w, 0), {0, 2, 3}),  # Thực phẩm and its subgroup
    ("stall renamed", lambda w: _rename_stall(w, 1), {2, 3}),
    ("producer renamed", lambda w: _rename_producer(w, 0), {0, 1}),
    ("promotion published", lambda w: _publish_promotion(w, 0), {2, 3}),
    ("promotion unpublished", lambda w: _unpublish_promotion(w, 0), {0, 2}),
    ("promotion edited", lambda w: _edit_promotion(w, 1), {0, 1, 2}),
    ("product unpublished", lambda w: _toggle_product(w, 3), {3}),
    ("product deleted", lambda w: _delete_product(w, 3), {3}),
    ("image removed", lambda w: _remove_image(w, 1), {1}),
    ("production batch published", lambda w: _publish_batch(w, 2), {2}),
]


@pytest.mark.parametrize(("kind", "change", "expected"), KINDS, ids=[k[0] for k in KINDS])
def test_each_change_lists_exactly_its_products(kind, change, expected):
    with time_machine.travel(START, tick=False) as clock:
        world = World()
        ids = {n: str(p.pk) for n, p in enumerate(world.products)}
        clock.shift(datetime.timedelta(minutes=5))
        from django.utils import timezone

        t0 = timezone.now()
        tags = {fmt: etag(world.partner, fmt) for fmt in FORMATS}
        clock.shift(datetime.timedelta(minutes=5))
        change(world)
        clock.shift(datetime.timedelta(minutes=5))
        assert _listed_since(world.partner, t0) == {ids[n] for n in expected}
        for fmt in FORMATS:
            assert etag(world.partner, fmt) != tags[fmt], fmt


@pytest.mark.parametrize(
    ("kind", "wait", "expected"),
    [
        ("promotion starts", datetime.timedelta(hours=3, minutes=1), {1}),
        ("certificate expires at midnight (and the upcoming promotion started)", datetime.timedelta(hours=28), {0, 1}),
        ("promotion ends", datetime.timedelta(days=8), {0, 1, 2}),
    ],
)
def test_changes_by_the_clock_are_listed(kind, wait, expected):
    with time_machine.travel(START, tick=False) as clock:
        world = World()
        ids = {n: str(p.pk) for n, p in enumerate(world.products)}
        clock.shift(datetime.timedelta(minutes=5))
        from django.utils import timezone

        t0 = timezone.now()
        tag = etag(world.partner, "google")
        clock.shift(wait)
        assert _listed_since(world.partner, t0) == {ids[n] for n in expected}
        assert etag(world.partner, "google") != tag


def test_nothing_changed_keeps_the_etag_and_lists_nothing():
    with time_machine.travel(START, tick=False) as clock:
        world = World()
        clock.shift(datetime.timedelta(minutes=5))
        from django.utils import timezone

        t0 = timezone.now()
        tags = {fmt: etag(world.partner, fmt) for fmt in FORMATS}
        clock.shift(datetime.timedelta(minutes=30))
        assert _listed_since(world.partner, t0) == set()
        assert {fmt: etag(world.partner, fmt) for fmt in FORMATS} == tags
        assert FeedRun.objects.exists()


def test_rss_dates_are_rfc_822():
    world = World()
    body = generate(world.partner, "google")[0].decode()
    build = re.search(r"<lastBuildDate>(.*?)</lastBuildDate>", body).group(1)
    from email.utils import parsedate_to_datetime

    assert parsedate_to_datetime(build).tzinfo is not None
    assert re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}", build)


def test_brand_is_the_stall_name_as_on_the_product_page(client):
    import json

    world = World()
    product = world.products[0]
    page = client.get(product.get_absolute_url()).content.decode()
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert ld["brand"]["name"] == world.stalls[0].name
    assert google_items(generate(world.partner, "google")[0])[str(product.pk)]["brand"] == ld["brand"]["name"]
    assert entries("csv", generate(world.partner, "csv")[0])[0][str(product.pk)]["brand"] == ld["brand"]["name"]


def test_error_bodies_say_their_charset(client):
    world = World()
    _partner, token = partner_create(name="Khác", slug="khac", formats=FORMATS)
    bad_since = client.get("/feeds/khac/google.xml", {"since": "hôm qua"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    no_token = client.get("/feeds/postmart/google.xml")
    assert (bad_since.status_code, no_token.status_code) == (400, 401)
    for response in (bad_since, no_token):
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        response.content.decode("utf-8")
    assert world.partner.slug == "postmart"

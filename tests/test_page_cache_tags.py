"""Invalidation by what a page shows (core/page_tags.py): a change drops the pages that
showed it and the listings it can enter, leave or reorder, keeps the others, and a buyer never
sees a page that differs from a fresh rendering."""

import re
import threading

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import Product
from core import page_tags
from ocop_market import page_cache
from producers.models import Stall
from tests.factories.catalog import CategoryFactory, OcopCertificateFactory, ProductFactory
from tests.factories.cms import home_page, promotion, promotion_index
from tests.factories.producers import CommuneFactory, StallFactory

pytestmark = pytest.mark.django_db

_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')


def served(url, status=200):
    response = Client().get(url)
    if status is not None:
        assert response.status_code == status, url
    return response.get("X-Page-Cache"), _TOKEN.sub(r'\1"', response.content.decode())


def _status_and_page(url):
    """What a buyer sees: the status and the page, with the CSRF token left out."""
    response = Client().get(url)
    html = _TOKEN.sub(r'\1"', response.content.decode())
    return response.get("X-Page-Cache"), f"{response.status_code} {html}"


@pytest.fixture(autouse=True)
def _pages_kept_past_midnight(monkeypatch):
    """Stored pages last until local midnight (the stars change with the date); a test that
    ran across it would find nothing stored in its last second."""
    monkeypatch.setattr(page_cache, "_valid_until", lambda: page_cache.time.time() + 600)


@pytest.fixture
def shop(db):
    banh, tra = CategoryFactory(name="Bánh kẹo", slug="banh-keo"), CategoryFactory(name="Trà", slug="tra")
    co_ba, chu_tu = StallFactory(name="Gian hàng Cô Ba"), StallFactory(name="Gian hàng Chú Tư")
    pia = ProductFactory(producer=co_ba.producer, category=banh, name="Bánh pía", price=150000, stock=2)
    keo = ProductFactory(producer=co_ba.producer, category=banh, name="Kẹo dừa", price=40000, stock=5)
    tra_sen = ProductFactory(producer=chu_tu.producer, category=tra, name="Trà sen", price=90000, stock=3)
    _communes[:] = [CommuneFactory()]  # the buyer's, made before any page is cached
    return {"banh": banh, "tra": tra, "co_ba": co_ba, "chu_tu": chu_tu, "pia": pia, "keo": keo, "tra_sen": tra_sen}


def test_a_price_change_drops_the_pages_showing_the_product_and_keeps_the_others(shop):
    pia, tra_sen = shop["pia"], shop["tra_sen"]
    untouched = [tra_sen.get_absolute_url(), shop["chu_tu"].get_absolute_url(), "/products/?category=tra"]
    touched = [pia.get_absolute_url(), "/products/", "/products/?sort=price_asc", shop["co_ba"].get_absolute_url()]
    for url in untouched + touched:
        served(url)
    pia.price = 20000
    pia.save()
    for url in touched:
        state, html = served(url)
        assert state == "miss", url
        assert "20.000 ₫" in html, url
    for url in untouched:  # nothing there showed the bánh pía: still served from the cache
        assert served(url)[0] == "hit", url


def test_a_price_change_reorders_a_price_sorted_listing_that_did_not_show_the_product(shop, settings):
    settings.PAGE_SIZE = 1
    cheapest = "/products/?sort=price_asc"
    assert "Kẹo dừa" in served(cheapest)[1]
    shop["tra_sen"].price = 1000
    shop["tra_sen"].save()
    state, html = served(cheapest)
    assert state == "miss"
    assert "Trà sen" in html
    assert "Kẹo dừa" not in html


_communes = []


def _order(product, quantity):
    from orders.services import place_order

    commune = _communes[0]
    return place_order(
        {product.pk: quantity},
        {
            "buyer_name": "Trần Thị Bình",
            "buyer_phone": "+84912345678",
            "buyer_email": "",
            "province": commune.province,
            "commune": commune,
            "street_address": "12 Lê Lợi",
            "note": "",
            "payment_method": "cod",
        },
    )


def test_an_order_that_sells_out_a_product_drops_it_from_the_in_stock_listing_only(shop):
    in_stock = "/products/?in_stock=on&category=banh-keo"
    others = [shop["tra_sen"].get_absolute_url(), "/products/?category=tra", shop["chu_tu"].get_absolute_url()]
    assert "Bánh pía" in served(in_stock)[1]
    for url in others:
        served(url)
    _order(shop["pia"], 2)  # the last two: a conditional UPDATE, no signal
    state, html = served(in_stock)
    assert state == "miss"
    assert "Bánh pía" not in html
    for url in others:
        assert served(url)[0] == "hit", url


def test_a_stall_refreshed_from_the_database_then_edited_drops_its_own_pages_only(shop):
    co_ba, chu_tu = shop["co_ba"], shop["chu_tu"]
    untouched = [chu_tu.get_absolute_url(), shop["tra_sen"].get_absolute_url(), "/products/?category=tra"]
    for url in [co_ba.get_absolute_url(), *untouched]:
        served(url)
    co_ba.refresh_from_db()  # its values now: what the pages show
    co_ba.story = "<p>Ba đời làm bánh pía ở Vũng Thơm.</p>"
    co_ba.save()
    state, html = served(co_ba.get_absolute_url())
    assert state == "miss" and "Ba đời làm bánh pía ở Vũng Thơm." in html
    for url in untouched:
        assert served(url)[0] == "hit", url
    Stall.objects.filter(pk=chu_tu.pk).update(slug="chu-tu-moi")  # by another process, say
    chu_tu.refresh_from_db(fields=["name"])  # a partial refresh: the snapshot is forgotten
    chu_tu.save()
    assert served(shop["tra_sen"].get_absolute_url())[0] == "miss"  # not knowing, it dropped every page


def test_a_new_product_enters_the_listings_of_its_category_and_stall(shop):
    banh_list, tra_list = "/products/?category=banh-keo", "/products/?category=tra"
    stall_page = shop["co_ba"].get_absolute_url()
    for url in (banh_list, stall_page, tra_list, shop["tra_sen"].get_absolute_url()):
        served(url)
    ProductFactory(producer=shop["co_ba"].producer, category=shop["banh"], name="Bánh in", price=30000)
    for url in (banh_list, stall_page, "/products/"):
        state, html = served(url)
        assert "Bánh in" in html, url
    assert served(tra_list)[0] == "hit"
    assert served(shop["tra_sen"].get_absolute_url())[0] == "hit"


# --- never stale, whatever changes ---------------------------------------------------------------


def _urls(shop):
    urls = [
        "/",
        "/products/",
        "/products/?page=2",
        "/products/?in_stock=on",
        "/products/?sort=price_asc",
        "/products/?sort=price_desc&in_stock=on",
        "/products/?min_price=50000",
        "/products/?category=banh-keo",
        "/products/?category=tra&page=2",
        f"/products/?province={shop['co_ba'].province.slug}",
        f"/products/?producer={shop['co_ba'].slug}",
        "/products/?q=banh",
        "/products/?stars=4",
        "/products/?sort=name",
        "/stalls/",
        f"/stalls/?province={shop['chu_tu'].province.slug}",
    ]
    for product in Product.objects.all():
        urls.append(product.get_absolute_url())
    for stall in (shop["co_ba"], shop["chu_tu"]):
        urls.append(stall.get_absolute_url())
    return urls


def _change(shop, change, product_key, value):
    product = Product.objects.get(pk=shop[product_key].pk)
    if change == "stock":
        product.stock = value % 4
        product.save()
    elif change == "price":
        product.price = 10000 * (value + 1)
        product.save()
    elif change == "publish":
        product.status = Product.Status.PUBLISHED if value % 2 else Product.Status.DRAFT
        product.save()
    elif change == "rename":
        product.name = f"{product.name.split(' #')[0]} #{value}"
        product.save()
    elif change == "category":
        product.category = shop["tra"] if product.category_id == shop["banh"].pk else shop["banh"]
        product.save()
    elif change == "sell out":
        if product.status == Product.Status.PUBLISHED and product.stock:
            _order(product, product.stock)
    elif change == "new product":
        stall, category = shop["chu_tu"], shop["banh"]
        ProductFactory(producer=stall.producer, category=category, name=f"Bánh mới {value}", stock=value % 3)
    elif change == "certificate":
        OcopCertificateFactory(product=product, stars=3 + value % 3)
    elif change == "stall":
        stall = shop["co_ba"]
        stall.refresh_from_db()
        stall.name = f"Gian hàng Cô Ba {value}"
        stall.save()
    elif change == "stall hidden":
        stall = shop["chu_tu"]
        stall.refresh_from_db()
        stall.is_published = not stall.is_published
        stall.save()
    elif change == "category renamed":
        shop["tra"].refresh_from_db()
        shop["tra"].name = f"Trà {value}"
        shop["tra"].save()
    elif change == "home edited":
        home = shop["home"].specific
        home.refresh_from_db()
        home.hero_title = f"Tết này {value}"
        home.save_revision().publish()
    elif change == "promotion":
        promotion(shop["promotions"], products=[product], discount_value=5 + value % 40)


CHANGES = [
    "stock",
    "price",
    "publish",
    "rename",
    "category",
    "sell out",
    "new product",
    "certificate",
    "stall",
    "stall hidden",
    "category renamed",
    "home edited",
    "promotion",
]


@pytest.fixture
def site(shop, settings):
    settings.PAGE_SIZE = 2  # listings of several pages: a change shifts the ones after it
    shop["home"] = home_page()
    shop["promotions"] = promotion_index(shop["home"])
    return shop


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(CHANGES), st.sampled_from(["pia", "keo", "tra_sen"]), st.integers(0, 99)),
        min_size=1,
        max_size=3,
    )
)
def test_every_cached_page_matches_a_fresh_rendering_after_any_changes(site, steps, settings):
    urls = _urls(site)
    for url in urls:  # every page in the cache
        served(url, status=None)
    for step in steps:
        _change(site, *step)
    urls = _urls(site)  # new products too
    cached = {url: _status_and_page(url) for url in urls}
    settings.STOREFRONT_CACHE_SECONDS = 0
    try:
        for url in urls:
            state, page = cached[url]
            assert page == _status_and_page(url)[1], f"{url} ({state}) after {steps}"
    finally:
        settings.STOREFRONT_CACHE_SECONDS = 600


# --- request collapsing --------------------------------------------------------------------------


def test_requests_for_a_page_being_rendered_wait_for_it_instead_of_rendering_it_again(settings):
    from django.core.cache import cache

    settings.STOREFRONT_COLLAPSE_SECONDS = 5
    rendering, release = threading.Event(), threading.Event()
    renders = []

    def view(request):
        renders.append(request)
        rendering.set()
        release.wait(10)
        return HttpResponse("<p>Bánh pía</p>")

    middleware = page_cache.PageCacheMiddleware(view)
    url = "/products/banh-pia-cho-doi/"
    cache.delete_many([page_cache._key(_request(url)), page_cache._key(_request(url)) + ":rendering"])
    answers = {}

    def visit(n):
        answers[n] = middleware(_request(url))

    first = threading.Thread(target=visit, args=(0,))
    first.start()
    assert rendering.wait(10)
    others = [threading.Thread(target=visit, args=(n,)) for n in range(1, 6)]
    for thread in others:
        thread.start()
    release.set()
    for thread in (first, *others):
        thread.join(15)
    assert len(renders) == 1  # the five others waited for the first one's page
    assert answers[0]["X-Page-Cache"] == "miss"
    assert {answers[n]["X-Page-Cache"] for n in range(1, 6)} == {"hit"}
    assert all(answer.content == "<p>Bánh pía</p>".encode() for answer in answers.values())


def test_a_request_that_takes_the_lock_just_after_the_page_was_stored_serves_it(monkeypatch, settings):
    """The first rendering stores the page and lets go of the lock between a second request's
    lookup (a miss) and its taking the lock: the second serves the stored page."""
    from django.core.cache import cache

    settings.STOREFRONT_COLLAPSE_SECONDS = 5
    renders = []

    def view(request):
        renders.append(request)
        return HttpResponse("<p>Bánh pía</p>")

    middleware = page_cache.PageCacheMiddleware(view)
    url = "/products/banh-pia-vua-luu/"
    cache.delete_many([page_cache._key(_request(url)), page_cache._key(_request(url)) + ":rendering"])
    lead = page_cache._collapsing.lead
    first = {}

    def lead_after_the_first_finished(key):
        if not first:
            first["answer"] = None
            first["answer"] = middleware(_request(url))  # runs whole, in between
        return lead(key)

    monkeypatch.setattr(page_cache._collapsing, "lead", lead_after_the_first_finished)
    second = middleware(_request(url))
    assert first["answer"]["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert len(renders) == 1


def test_a_waiting_request_renders_the_page_itself_when_the_first_one_cannot_be_stored(settings):
    settings.STOREFRONT_COLLAPSE_SECONDS = 5
    rendering, release = threading.Event(), threading.Event()
    renders = []

    def view(request):
        renders.append(request)
        if len(renders) == 1:
            rendering.set()
            release.wait(10)
            return HttpResponse("not found", status=404)  # never stored
        return HttpResponse("<p>Bánh pía</p>")

    middleware = page_cache.PageCacheMiddleware(view)
    url = "/products/banh-pia-khong-luu/"
    answers = {}
    first = threading.Thread(target=lambda: answers.setdefault(0, middleware(_request(url))))
    first.start()
    assert rendering.wait(10)
    second = threading.Thread(target=lambda: answers.setdefault(1, middleware(_request(url))))
    second.start()
    release.set()
    first.join(15)
    second.join(15)
    assert answers[0].status_code == 404
    assert answers[1].status_code == 200  # rendered by itself once the first had finished
    assert len(renders) == 2


def _request(url):
    from django.contrib.sessions.backends.cache import SessionStore

    request = RequestFactory().get(url)
    request.session = SessionStore()
    request.LANGUAGE_CODE = "vi"
    return request


def test_a_change_counts_the_pages_it_dropped(shop):
    page_tags.counts.clear()
    for url in (shop["pia"].get_absolute_url(), shop["tra_sen"].get_absolute_url(), "/products/?category=tra"):
        served(url)
    shop["pia"].price = 1000
    shop["pia"].save()
    assert page_tags.counts["product"] == 1  # its own page; the tea pages stay


def test_a_rating_or_sold_count_change_drops_only_the_pages_showing_the_product(shop):
    """The counters change by conditional UPDATEs (no signal): their services name the product."""
    from catalog import services

    pia, tra_sen = shop["pia"], shop["tra_sen"]
    untouched = [tra_sen.get_absolute_url(), shop["chu_tu"].get_absolute_url(), "/products/?category=tra"]
    touched = [pia.get_absolute_url(), "/products/", shop["co_ba"].get_absolute_url()]
    for url in untouched + touched:
        served(url)
    services.product_rating_set(product_id=pia.pk, average=4.5, count=2)
    for url in touched:
        state, html = served(url)
        assert state == "miss" and "4,5" in html, url
    for url in untouched:
        assert served(url)[0] == "hit", url
    services.product_sold_add(quantities={pia.pk: 3})
    state, html = served(pia.get_absolute_url())
    assert state == "miss" and "Đã bán 3" in html
    assert served(tra_sen.get_absolute_url())[0] == "hit"

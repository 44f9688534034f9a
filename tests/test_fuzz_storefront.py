"""Fuzzing the storefront's public GET parameters: whatever a buyer types, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cms.test_home import article, article_index
from tests.factories.catalog import CategoryFactory, OcopCertificateFactory, ProductFactory
from tests.factories.cms import home_page
from tests.factories.producers import StallFactory

# A database test costs more than a pure function: 60 examples in the suite, more under `make fuzz`.
FUZZ = settings(
    max_examples=settings.default.max_examples * 3 // 5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Query strings travel as text: anything a browser can send, plus the values the code
# parses (numbers huge, negative, fractional, exponent), real slugs and the empty string.
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1e400", "-0", "0x10", "1_000", "１２３", "٣", "9" * 400, " 5 ", "1,5", "1.000"]),
)
words = st.text(max_size=40).filter(lambda s: "\x00" not in s)
values = st.one_of(
    st.just(""),
    words,
    numbers,
    st.sampled_from(["bánh pía", "%", "_", "'; DROP TABLE x; --", "<script>", "true", "on", "None", "null"]),
)


def params(keys, known):
    """A list of (key, value) pairs: keys from ``keys`` (repeats allowed) or random, values fuzzed or real."""
    value = st.one_of(values, st.sampled_from(known)) if known else values
    key = st.one_of(st.sampled_from(keys), words)
    return st.lists(st.tuples(key, value), max_size=8)


def query_string(pairs):
    from urllib.parse import urlencode

    return urlencode(pairs)


@pytest.fixture
def catalog(db):
    stall = StallFactory(slug="gian-hang-thu")
    category = CategoryFactory(name="Bánh kẹo", slug="banh-keo")
    for i in range(3):
        product = ProductFactory(producer=stall.producer, category=category, name=f"Bánh pía {i}", price=10000 * i)
        OcopCertificateFactory(product=product, stars=3 + i)
    return {"province": stall.province.slug, "category": category.slug, "producer": stall.slug}


PRODUCT_KEYS = ["q", "category", "province", "stars", "min_price", "max_price", "in_stock", "producer", "sort", "page"]


@FUZZ
@given(pairs=params(PRODUCT_KEYS, ["gian-hang-thu", "banh-keo", "3", "4", "5", "price_asc", "name", "2", "on"]))
def test_product_list_never_fails(client, catalog, pairs):
    response = client.get("/products/?" + query_string(pairs))
    assert response.status_code == 200, pairs


@FUZZ
@given(pairs=params(["province", "page"], ["1", "2"]))
def test_stall_list_never_fails(client, catalog, pairs):
    response = client.get("/stalls/?" + query_string(pairs))
    assert response.status_code == 200, pairs


@FUZZ
@given(pairs=params(["page"], ["1", "2"]))
def test_stall_page_never_fails(client, catalog, pairs):
    response = client.get(f"/stalls/{catalog['producer']}/?" + query_string(pairs))
    assert response.status_code == 200, pairs


@pytest.fixture
def news(db):
    index = article_index(home_page())
    page = article(index, days_ago=1)
    page.tags.add("Cà phê")
    page.save_revision().publish()
    return index


@FUZZ
@given(pairs=params(["tag", "page"], ["Cà phê", "ca-phe", "1", "2"]))
def test_article_index_never_fails(client, news, pairs):
    response = client.get(news.url + "?" + query_string(pairs))
    assert response.status_code == 200, pairs


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        # NUL and bytes that are not UTF-8: refused before the view (ocop_market.middleware).
        ("q=%ff%fe", 400),
        ("page=%00", 400),
        ("stars=%zz&stars=4", 200),
        ("min_price=%2B1e9&max_price=-1", 200),
        ("&&=&q", 200),
    ],
)
@pytest.mark.parametrize("path", ["/products/", "/stalls/"])
def test_malformed_query_strings_never_fail(client, catalog, path, raw, status):
    assert client.get(f"{path}?{raw}").status_code == status

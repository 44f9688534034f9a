"""Relevance of the storefront search over the demo catalogue, typed the way shoppers type.

Every query comes without diacritics, or with a typo, a shopper's spelling or a pack size,
and names the products a shopper means: a product is relevant when its name starts with
one of the prefixes and contains every one of the pack words. The first five results must
all be relevant (or every relevant product, when there are fewer than five): precision in
the first five is 1.0 for each query. The same set runs on SQLite and on PostgreSQL
(DATABASE_URL).

The catalogue is the one ``seed_demo`` loads (demo/catalog_data.py: 30 stalls, 600
products, their names, descriptions, categories and stall names), without pictures or
certificates, which the search does not read; it is written once per module.
"""

import datetime

import pytest
from django.db import transaction

from catalog.models import Category, Product
from demo import catalog_data as demo_data

# (query as typed, name prefixes a relevant product starts with, words its name must contain)
RELEVANCE = [
    ("tra", ("Trà ",), ()),
    ("tieu", ("Tiêu ",), ()),
    ("cafe", ("Cà phê ",), ()),
    ("caphe", ("Cà phê ",), ()),
    ("ca phe", ("Cà phê ",), ()),
    ("cafe robusta", ("Cà phê Robusta",), ()),
    ("ca phe 1kg", ("Cà phê ",), ("1kg",)),
    ("st25", ("Gạo ST25",), ()),
    ("gao st 25", ("Gạo ST25",), ()),
    ("gao st25 5kg", ("Gạo ST25",), ("5kg",)),
    ("nuoc nam", ("Nước mắm",), ()),
    ("nuoc mam phu quoc", ("Nước mắm Phú Quốc", "Nước mắm nhĩ Phú Quốc"), ()),
    ("nuoc mam 1 lit", ("Nước mắm",), ("1 lít",)),
    ("nuoc mam 500ml", ("Nước mắm",), ("500ml",)),
    ("banh pai", ("Bánh pía",), ()),
    ("banh pia", ("Bánh pía",), ()),
    ("banh pia 400g", ("Bánh pía",), ("400g",)),
    ("banh pia 400 g", ("Bánh pía",), ("400g",)),
    ("mat ong", ("Mật ong",), ()),
    ("mat ong rung", ("Mật ong rừng",), ()),
    ("mat ong 500ml", ("Mật ong",), ("500ml",)),
    ("keo dua", ("Kẹo dừa",), ()),
    ("duong thot not", ("Đường thốt nốt",), ()),
    ("thot not", ("Đường thốt nốt", "Kẹo thốt nốt", "Nước thốt nốt"), ()),
    ("lap xuong", ("Lạp xưởng",), ()),
    ("lap suong", ("Lạp xưởng",), ()),
    ("sau rieng", ("Sầu riêng",), ()),
    ("sau reing", ("Sầu riêng",), ()),
    ("buoi da xanh", ("Bưởi da xanh",), ()),
    ("gao lut", ("Gạo lứt",), ()),
    ("hanh tim", ("Hành tím",), ()),
    ("kho ca", ("Khô cá",), ()),
    ("kho ca loc", ("Khô cá lóc",), ()),
    ("muc kho", ("Mực khô",), ()),
    ("ruou sim", ("Rượu sim",), ()),
    ("che thai nguyen", ("Chè Tân Cương",), ()),
    ("tra shan tuyet", ("Trà Shan tuyết",), ()),
    ("shan tuyte", ("Trà Shan tuyết",), ()),
    ("atiso", ("Trà atiso", "Cao atiso"), ()),
    ("nhan long", ("Nhãn lồng",), ()),
    ("long nhan", ("Long nhãn",), ()),
    ("mac ca", ("Hạt mắc ca",), ()),
    ("macca", ("Hạt mắc ca",), ()),
    ("thanh long", ("Thanh long",), ()),
    ("thahn long", ("Thanh long",), ()),
    ("lan ho diep", ("Lan hồ điệp",), ()),
    ("tho cam", ("Khăn thổ cẩm",), ()),
    ("ca cao", ("Bột ca cao",), ()),
    ("banh tet", ("Bánh tét",), ()),
    ("mam thai", ("Mắm thái",), ()),
    ("xa bong", ("Xà bông",), ()),
    ("mut dau tay", ("Mứt dâu tây",), ()),
    ("hat sen", ("Hạt sen",), ()),
    ("trà", ("Trà ",), ()),
]


def is_relevant(name: str, prefixes, words) -> bool:
    return name.startswith(prefixes) and all(word in name for word in words)


def _demo_catalogue():
    """The demo plan's stalls and products, written in a handful of queries."""
    from tests.factories.producers import ProvinceFactory, StallFactory

    province = ProvinceFactory()
    categories = {c.code: c for c in Category.objects.select_related("parent").exclude(code="")}
    stalls = {}
    for data in demo_data.STALLS:
        stalls[data.slug] = StallFactory(
            name=data.name, producer__legal_name=data.legal_name, province=province, slug=data.slug
        )
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    products = []
    for n, plan in enumerate(demo_data.build_plan(datetime.date(2026, 1, 1))):
        stall = stalls[plan.stall]
        product = Product(
            producer=stall.producer,
            category=categories[plan.category],
            name=plan.name,
            slug=f"demo-{n}",
            short_description=plan.short_description,
            description=plan.description,
            unit=plan.unit,
            price=plan.price,
            stock=plan.stock,
            weight_grams=plan.weight_grams,
            status=Product.Status.PUBLISHED,
            published_at=now - datetime.timedelta(days=plan.published_at_days_ago, minutes=plan.published_at_minutes),
        )
        product.search_text, product.search_title = product.build_search_text(), product.build_search_title()
        products.append(product)
    Product.objects.bulk_create(products)


@pytest.fixture(scope="module")
def demo_catalogue(django_db_setup, django_db_blocker):
    # One catalogue for the module, inside a transaction rolled back at its end; each
    # test's own transaction nests in it.
    with django_db_blocker.unblock(), transaction.atomic():
        _demo_catalogue()
        names = list(Product.objects.values_list("name", flat=True))
        yield names
        transaction.set_rollback(True)


def precision_at_five(client, query, prefixes, words, names):
    response = client.get("/products/", {"q": query})
    assert response.status_code == 200
    top = [p.name for p in response.context["products"][:5]]
    relevant_total = sum(1 for name in names if is_relevant(name, prefixes, words))
    assert relevant_total, f"no product of the demo catalogue is relevant to {query!r}"
    hits = sum(1 for name in top if is_relevant(name, prefixes, words))
    return hits / min(5, relevant_total), top


def test_the_set_has_at_least_forty_queries():
    assert len(RELEVANCE) >= 40
    assert len({query for query, _prefixes, _words in RELEVANCE}) == len(RELEVANCE)


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "prefixes", "words"), RELEVANCE, ids=[row[0] for row in RELEVANCE])
def test_the_first_five_results_are_what_the_shopper_meant(client, demo_catalogue, query, prefixes, words):
    precision, top = precision_at_five(client, query, prefixes, words, demo_catalogue)
    print(f"\nP@5 {query!r} = {precision:.2f}")  # noqa: T201 (the figures measured with pytest -s)
    assert precision == 1.0, f"{query!r}: first five {top}"

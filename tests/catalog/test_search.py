"""Diacritic-insensitive search through GET /products/?q=..."""

import datetime
import unicodedata

import pytest
from django.utils import timezone

from catalog.models import Product
from tests.factories.catalog import CategoryFactory, ProductFactory
from tests.factories.producers import StallFactory

pytestmark = pytest.mark.django_db


def found(client, q, **params):
    response = client.get("/products/", {"q": q, **params})
    assert response.status_code == 200
    return [p.name for p in response.context["products"]]


@pytest.fixture
def specialties():
    names = ["Bánh pía", "Cà phê", "Đường thốt nốt", "Nước mắm", "Trà Shan tuyết"]
    return {name: ProductFactory(name=name, short_description="", category=CategoryFactory()) for name in names}


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("banh pia", "Bánh pía"),
        ("ca phe", "Cà phê"),
        ("duong thot not", "Đường thốt nốt"),
        ("nuoc mam", "Nước mắm"),
        ("ĐƯỜNG", "Đường thốt nốt"),
        ("DUONG THOT", "Đường thốt nốt"),
        ("  nước   mắm ", "Nước mắm"),
        ("shan", "Trà Shan tuyết"),
    ],
)
def test_search_without_diacritics_finds_the_vietnamese_name(client, specialties, query, name):
    assert found(client, query) == [name]


def test_search_typed_in_nfd_finds_the_nfc_name(client, specialties):
    query = unicodedata.normalize("NFD", "đường thốt nốt")
    assert query != unicodedata.normalize("NFC", query)
    assert found(client, query) == ["Đường thốt nốt"]


def test_search_excludes_products_that_do_not_match_every_word(client, specialties):
    assert found(client, "banh mam") == []
    assert found(client, "xoai") == []


def test_search_matches_the_stall_name(client):
    stall = StallFactory(name="Hợp tác xã Đồng Tháp Mười")
    ProductFactory(name="Gạo thơm", producer=stall.producer)
    ProductFactory(name="Mật ong")
    assert found(client, "dong thap muoi") == ["Gạo thơm"]


def test_search_matches_the_description(client):
    ProductFactory(name="Quà biếu", description="<p>Hộp quà có <b>bánh pía</b> sầu riêng.</p>")
    ProductFactory(name="Mật ong", description="<p>Mật ong rừng U Minh.</p>")
    assert found(client, "sau rieng") == ["Quà biếu"]


def test_search_matches_the_short_description(client):
    ProductFactory(name="Quà biếu", short_description="Đặc sản Sóc Trăng")
    ProductFactory(name="Mật ong", short_description="Rừng U Minh")
    assert found(client, "dac san soc trang") == ["Quà biếu"]


def test_search_matches_the_category_and_its_parent_group(client):
    food = CategoryFactory(name="Thực phẩm thử")
    condiments = CategoryFactory(name="Gia vị thử", parent=food)
    ProductFactory(name="Muối ớt", category=condiments)
    ProductFactory(name="Khăn lụa", category=CategoryFactory(name="Thủ công mỹ nghệ thử"))
    assert found(client, "gia vi") == ["Muối ớt"]
    assert found(client, "thuc pham") == ["Muối ớt"]


def test_search_follows_a_stall_rename(client):
    stall = StallFactory(name="Gian hàng Cô Ba")
    ProductFactory(name="Bánh pía", producer=stall.producer)
    stall.name = "Lò bánh Tân Huê Viên"
    stall.save()
    assert found(client, "tan hue vien") == ["Bánh pía"]


def test_search_follows_a_category_rename(client):
    category = CategoryFactory(name="Nhóm cũ")
    ProductFactory(name="Bánh pía", category=category)
    category.name = "Bánh kẹo đặc sản"
    category.save()
    assert found(client, "banh keo") == ["Bánh pía"]


def test_search_treats_like_wildcards_literally(client, specialties):
    assert found(client, "%") == []
    assert found(client, "_") == []


def test_empty_search_lists_everything(client, specialties):
    assert len(found(client, "   ")) == len(specialties)


def test_exact_diacritics_in_the_name_rank_before_a_plain_ascii_name(client):
    now = timezone.now()
    ProductFactory(name="Bánh pía", published_at=now - datetime.timedelta(days=2))
    ProductFactory(name="Banh pia", published_at=now)
    assert found(client, "bánh pía") == ["Bánh pía", "Banh pia"]


def test_exact_diacritics_in_the_name_rank_before_a_match_in_the_description(client):
    now = timezone.now()
    ProductFactory(name="Bánh pía", published_at=now - datetime.timedelta(days=2))
    ProductFactory(name="Hộp quà Tết", description="<p>Có bánh pia và trà.</p>", published_at=now)
    assert found(client, "bánh pía") == ["Bánh pía", "Hộp quà Tết"]


def test_name_match_ranks_before_a_description_match_for_an_ascii_query(client):
    now = timezone.now()
    ProductFactory(name="Hộp quà Tết", short_description="Có bánh pía và trà.", published_at=now)
    ProductFactory(name="Bánh pía sầu riêng", published_at=now - datetime.timedelta(days=2))
    assert found(client, "banh pia") == ["Bánh pía sầu riêng", "Hộp quà Tết"]


def test_an_explicit_sort_overrides_relevance(client):
    ProductFactory(name="Bánh pía", price=90000)
    ProductFactory(name="Banh pia", price=50000)
    assert found(client, "bánh pía", sort="price_asc") == ["Banh pia", "Bánh pía"]


def test_search_keeps_other_filters(client):
    ProductFactory(name="Bánh pía", stock=0)
    ProductFactory(name="Bánh pía trứng muối", stock=5)
    assert found(client, "banh pia", in_stock="on") == ["Bánh pía trứng muối"]


def test_search_follows_a_producer_rename(client):
    stall = StallFactory()
    ProductFactory(name="Bánh pía", producer=stall.producer)
    stall.producer.legal_name = "Hợp tác xã Vũng Thơm"
    stall.producer.save()
    assert found(client, "vung thom") == ["Bánh pía"]


def test_search_matches_words_joined_by_an_html_entity_in_the_description(client):
    ProductFactory(name="Quà biếu", description="<p>Bánh&nbsp;pía &amp; trà</p>")
    assert found(client, "banh pia & tra") == ["Quà biếu"]


def _on_postgres():
    from django.db import connection

    return connection.vendor == "postgresql"


def test_a_misspelt_query_finds_the_product_on_postgresql(client, specialties):
    if not _on_postgres():
        pytest.skip("typo tolerance uses PostgreSQL's pg_trgm; the embedded default matches words exactly")
    assert found(client, "banh pya") == ["Bánh pía"]
    assert found(client, "nuoc mamm") == ["Nước mắm"]
    assert found(client, "banh mam") == []


def test_a_typo_match_ranks_below_real_matches_on_postgresql(client):
    if not _on_postgres():
        pytest.skip("typo tolerance uses PostgreSQL's pg_trgm; the embedded default matches words exactly")
    ProductFactory(name="Bánh pía")
    ProductFactory(name="Bánh pya Sóc Trăng")
    assert found(client, "banh pya") == ["Bánh pya Sóc Trăng", "Bánh pía"]


def test_typo_matches_are_looked_for_only_while_the_words_find_less_than_a_page(client, settings):
    if not _on_postgres():
        pytest.skip("typo tolerance uses PostgreSQL's pg_trgm; the embedded default matches words exactly")
    settings.PAGE_SIZE = 3
    ProductFactory(name="Bánh pya Sóc Trăng")  # found by the words "banh pya"
    ProductFactory(name="Bánh pía Vũng Thơm")  # a typo match only
    assert found(client, "banh pya") == ["Bánh pya Sóc Trăng", "Bánh pía Vũng Thơm"]
    for n in range(2):
        ProductFactory(name=f"Bánh pya nhân đậu {n}")
    # A page of products holds the words: a typo match could not reach the first page,
    # and the listing counts what the words found.
    response = client.get("/products/", {"q": "banh pya"})
    names = [p.name for p in response.context["products"]]
    assert len(names) == 3 and "Bánh pía Vũng Thơm" not in names
    assert response.context["page_obj"].paginator.count == 3
    # Counted among the products the other filters leave: in its own category it is found.
    category = Product.objects.get(name="Bánh pía Vũng Thơm").category
    assert found(client, "banh pya", category=category.slug) == ["Bánh pía Vũng Thơm"]


def test_the_search_indexes_exist_on_postgresql():
    if not _on_postgres():
        pytest.skip("the full-text and trigram indexes are PostgreSQL's")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'catalog_product'")
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT to_tsvector('vietnamese_unaccent', 'Đường thốt nốt')::text")
        (vector,) = cursor.fetchone()
    # The full-text index is on the stored search_document column (migration 0006).
    assert {"catalog_product_search_document", "catalog_product_search_trgm"} <= names
    assert vector == "'duong':1 'not':3 'thot':2"

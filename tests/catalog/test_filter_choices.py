"""The category and province selects of /products/ come from a cache that edits refresh."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.catalog import CategoryFactory
from tests.factories.producers import ProvinceFactory

pytestmark = pytest.mark.django_db


def options(client, url="/products/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_renamed_category_and_a_new_province_show_in_the_selects_at_once(client):
    category = CategoryFactory(name="Mắm cá linh", name_en="Fish sauce")
    ProvinceFactory(code="91", name="Tỉnh An Giang", short_name="An Giang", slug="an-giang")
    page = options(client)
    assert f'<option value="{category.slug}">Mắm cá linh</option>' in page
    assert '<option value="an-giang">An Giang</option>' in page

    category.name = "Mắm cá linh Châu Đốc"
    category.save()
    ProvinceFactory(code="92", name="Thành phố Cần Thơ", short_name="Cần Thơ", slug="can-tho")
    page = options(client)
    assert f'<option value="{category.slug}">Mắm cá linh Châu Đốc</option>' in page
    assert '<option value="can-tho">Cần Thơ</option>' in page

    category.delete()
    assert category.slug not in options(client)


def test_each_language_has_its_own_labels(client):
    category = CategoryFactory(name="Mật ong", name_en="Honey")
    assert f'<option value="{category.slug}">Mật ong</option>' in options(client)
    assert f'<option value="{category.slug}">Honey</option>' in options(client, "/en/products/")
    assert f'<option value="{category.slug}">Mật ong</option>' in options(client)


def test_the_selects_are_read_once_then_from_the_cache(client):
    CategoryFactory.create_batch(3)
    options(client)
    with CaptureQueriesContext(connection) as again:
        options(client)
    tables = " ".join(q["sql"] for q in again.captured_queries)
    assert "producers_province" not in tables
    assert "catalog_category" not in tables


def test_a_chosen_value_is_still_checked_against_the_database(client):
    CategoryFactory(name="Trà", slug="tra")
    options(client)
    response = client.get("/products/", {"category": "khong-co"})
    assert response.status_code == 200
    assert "khong-co" not in [c for c in response.context["filter"].form.cleaned_data.values() if c]
    assert response.context["filter_errors"].get("category")
    assert 'value="tra" selected' not in response.content.decode()

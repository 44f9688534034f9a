"""Officers correct listings in the admin from a phone: the edit pages of a product and of a
stall, with all 3,321 communes and wards of the 2025 units in their selects, stay light."""

import pytest
from django.urls import reverse

from tests.factories.catalog import ProductFactory
from tests.factories.producers import OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    from producers.services import admin_units_load

    admin_units_load()
    return ProductFactory()


def test_product_and_stall_edit_pages_read_the_communes_once(client, product, django_assert_max_num_queries):
    stall = product.producer.stall
    client.force_login(OfficerFactory(communes=[stall.commune]).user)
    product_url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])
    stall_url = reverse("wagtailsnippets_producers_stall:edit", args=[stall.pk])
    client.get(product_url)  # menus, settings and permissions into their caches
    with django_assert_max_num_queries(80):  # one query per commune label made it 2,291
        page = client.get(product_url).content.decode()
    assert page.count("<option") > 3321 and f"{stall.commune.name}, {stall.commune.province.short_name}" in page
    with django_assert_max_num_queries(40):
        page = client.get(stall_url).content.decode()
    assert f'<option value="{stall.commune_id}" selected>' in page

"""Officers correct listings in the admin from a phone: the edit pages of a product and of a
stall offer the communes and wards of the chosen province (not all 3,321 of the 2025 units)
and read them in one query."""

import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from producers.models import Commune
from tests.factories.catalog import ProductFactory
from tests.factories.producers import OfficerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    from producers.services import admin_units_load

    admin_units_load()
    product = ProductFactory()
    stall = product.producer.stall
    stall.commune = Commune.objects.filter(province=stall.province).first()
    stall.save()
    product.origin_province = stall.province
    product.origin_commune = stall.commune
    product.save()
    return product


def commune_options(page: str, field: str) -> set[str]:
    select = re.search(rf'<select[^>]*name="{field}".*?</select>', page, re.S).group(0)
    return {value for value in re.findall(r'<option value="(\d+)"', select)}


def test_product_and_stall_edit_pages_offer_the_communes_of_their_province(
    client, product, django_assert_max_num_queries
):
    stall = product.producer.stall
    in_province = {str(pk) for pk in Commune.objects.filter(province=stall.province).values_list("pk", flat=True)}
    assert 0 < len(in_province) < 3321
    client.force_login(OfficerFactory(communes=[stall.commune]).user)
    product_url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])
    stall_url = reverse("wagtailsnippets_producers_stall:edit", args=[stall.pk])
    client.get(product_url)  # menus, settings and permissions into their caches
    with django_assert_max_num_queries(80):  # a query per commune label made it 2,291
        page = client.get(product_url).content.decode()
    assert commune_options(page, "origin_commune") == in_province
    assert f"{stall.commune.name}, {stall.province.short_name}" in page
    with django_assert_max_num_queries(40):
        page = client.get(stall_url).content.decode()
    assert commune_options(page, "commune") == in_province
    assert f'<option value="{stall.commune_id}" selected>' in page


def test_choosing_another_province_offers_its_communes_after_the_save(client, product):
    from producers.models import Province

    stall = product.producer.stall
    client.force_login(OfficerFactory(communes=[stall.commune]).user)
    url = reverse("wagtailsnippets_producers_stall:edit", args=[stall.pk])
    other = Province.objects.exclude(pk=stall.province_id).first()
    data = querydict_from_html(client.get(url).text, form_id="w-editor-form")
    data["province"] = str(other.pk)
    page = client.post(url, data).content.decode()  # the commune is not in the new province: the form again
    expected = {str(pk) for pk in Commune.objects.filter(province=other).values_list("pk", flat=True)}
    assert commune_options(page, "commune") == expected | {str(stall.commune_id)}

"""seed_scale: a big catalog in bulk, published, searchable, topped up rather than duplicated."""

import io

import pytest
from django.core.management import call_command

from catalog.models import Product
from producers.models import Stall
from tests.factories.producers import CommuneFactory

pytestmark = pytest.mark.django_db


def test_seed_scale_creates_published_searchable_products_once(client):
    CommuneFactory()
    out = io.StringIO()
    call_command("seed_scale", products=40, stalls=4, images=2, stdout=out)
    products = Product.objects.filter(slug__startswith="scale-")
    assert products.count() == 40
    assert Stall.objects.filter(slug__startswith="scale-", is_published=True).count() == 4
    assert set(products.values_list("status", flat=True)) == {Product.Status.PUBLISHED}
    assert products.filter(producer__stall__slug__startswith="scale-").count() == 40
    # The words search ranks by are those a product saved one by one would hold (on PostgreSQL
    # the rows are made by the database, elsewhere by bulk_create).
    for product in products.select_related("category__parent"):
        assert product.search_title == product.build_search_title(), product.name

    response = client.get("/products/", {"q": "banh pia"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == products.filter(name__startswith="Bánh pía").count() > 0

    call_command("seed_scale", products=40, stalls=4, images=2, stdout=io.StringIO())
    assert Product.objects.filter(slug__startswith="scale-").count() == 40
    call_command("seed_scale", products=50, stalls=4, images=2, stdout=io.StringIO())
    assert Product.objects.filter(slug__startswith="scale-").count() == 50

"""The product and category admin: listings, filters, the edit form and who may do what."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from catalog.models import Category, OcopCertificate, Product
from core import roles
from tests.factories.catalog import CategoryFactory, ProductFactory
from tests.factories.producers import StallFactory, UserFactory

pytestmark = pytest.mark.django_db

PRODUCT = "wagtailsnippets_catalog_product"
CATEGORY = "wagtailsnippets_catalog_category"
PRODUCT_CHOOSER = "wagtailsnippetchoosers_catalog_product"


@pytest.fixture
def own_product(commune):
    stall = StallFactory(province=commune.province, commune=commune)
    return ProductFactory(producer=stall.producer, name="Bánh pía Sầu riêng", price=85000)


@pytest.fixture
def foreign_product():
    return ProductFactory(name="Nước mắm Cá cơm", price=120000)


def edit_form_data(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return querydict_from_html(response.text, form_id="w-editor-form")


def test_anonymous_and_farmer_cannot_list_products(client, own_product):
    url = reverse(f"{PRODUCT}:list")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    client.force_login(UserFactory(groups=[roles.FARMER]))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_catalog_menu_lists_the_viewsets(client, editor):
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    for url_name in (
        "wagtailsnippets_producers_producer:list",
        "wagtailsnippets_producers_stall:list",
        f"{PRODUCT}:list",
        f"{CATEGORY}:list",
    ):
        assert reverse(url_name) in response.text


def test_editor_lists_products_with_price_in_dong(client, editor, own_product, foreign_product):
    client.force_login(editor)
    response = client.get(reverse(f"{PRODUCT}:list"))
    assert response.status_code == 200
    assert own_product.name in response.text
    assert foreign_product.name in response.text
    assert "85.000 ₫" in response.text
    assert own_product.producer.stall.name in response.text


def test_product_list_query_count_does_not_grow_with_rows(client, editor, django_assert_max_num_queries):
    ProductFactory.create_batch(30)
    client.force_login(editor)
    with django_assert_max_num_queries(16):
        response = client.get(reverse(f"{PRODUCT}:list"))
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 30


def test_product_list_filters(client, editor, own_product, foreign_product):
    draft = ProductFactory(name="Trà Shan tuyết", status=Product.Status.DRAFT)
    client.force_login(editor)
    url = reverse(f"{PRODUCT}:list")

    response = client.get(url, {"status": "draft"})
    assert draft.name in response.text
    assert own_product.name not in response.text

    response = client.get(url, {"category": foreign_product.category_id})
    assert foreign_product.name in response.text
    assert own_product.name not in response.text

    response = client.get(url, {"producer__stall__province": own_product.producer.stall.province_id})
    assert own_product.name in response.text
    assert foreign_product.name not in response.text


def test_product_search_ignores_diacritics(client, editor, own_product, foreign_product):
    client.force_login(editor)
    response = client.get(reverse(f"{PRODUCT}:list"), {"q": "banh pia"})
    assert response.status_code == 200
    assert own_product.name in response.text
    assert foreign_product.name not in response.text


def test_officer_lists_only_products_of_their_communes(client, officer, own_product, foreign_product):
    client.force_login(officer)
    response = client.get(reverse(f"{PRODUCT}:list"))
    assert response.status_code == 200
    assert own_product.name in response.text
    assert foreign_product.name not in response.text


@pytest.mark.parametrize("action", ["edit", "inspect", "delete", "history", "usage"])
def test_officer_gets_404_on_a_foreign_product(client, officer, foreign_product, action):
    client.force_login(officer)
    response = client.get(reverse(f"{PRODUCT}:{action}", args=[foreign_product.pk]))
    assert response.status_code == 404


def test_officer_cannot_post_a_price_to_a_foreign_product(client, officer, foreign_product):
    client.force_login(officer)
    response = client.post(reverse(f"{PRODUCT}:edit", args=[foreign_product.pk]), {"price": "1"})
    assert response.status_code == 404
    foreign_product.refresh_from_db()
    assert foreign_product.price == 120000


def test_officer_changes_the_price_of_a_product_they_serve(client, officer, own_product):
    client.force_login(officer)
    url = reverse(f"{PRODUCT}:edit", args=[own_product.pk])
    data = edit_form_data(client, url)
    assert data["price"] == "85000"
    data["price"] = "90000"
    response = client.post(url, data)
    assert response.status_code == 302
    own_product.refresh_from_db()
    assert own_product.price == 90000


def test_officer_cannot_delete_a_product(client, officer, own_product):
    client.force_login(officer)
    url = reverse(f"{PRODUCT}:delete", args=[own_product.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    response = client.post(url)
    assert response.status_code == 302
    assert Product.objects.filter(pk=own_product.pk).exists()
    edit = client.get(reverse(f"{PRODUCT}:edit", args=[own_product.pk]))
    assert url not in edit.text


def test_editor_deletes_a_product(client, editor, foreign_product):
    client.force_login(editor)
    response = client.post(reverse(f"{PRODUCT}:delete", args=[foreign_product.pk]))
    assert response.status_code == 302
    assert not Product.objects.filter(pk=foreign_product.pk).exists()


def test_officer_cannot_add_a_product_for_a_foreign_producer(client, officer, own_product, foreign_product):
    client.force_login(officer)
    url = reverse(f"{PRODUCT}:add")
    data = edit_form_data(client, url)
    data.update(
        {
            "producer": foreign_product.producer_id,
            "category": own_product.category_id,
            "name": "Sản phẩm Mạo Danh",
            "unit": "hộp",
            "price": "1000",
            "stock": "1",
            "status": "draft",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "producer" in response.context["form"].errors
    assert not Product.objects.filter(name="Sản phẩm Mạo Danh").exists()


def test_editor_adds_an_ocop_certificate_inline(client, editor, own_product):
    client.force_login(editor)
    url = reverse(f"{PRODUCT}:edit", args=[own_product.pk])
    data = edit_form_data(client, url)
    data.update(
        {
            "ocop_certificates-TOTAL_FORMS": "1",
            "ocop_certificates-0-id": "",
            "ocop_certificates-0-ORDER": "1",
            "ocop_certificates-0-DELETE": "",
            "ocop_certificates-0-stars": "4",
            "ocop_certificates-0-decision_number": "123/QĐ-UBND",
            "ocop_certificates-0-decision_date": "2025-03-01",
            "ocop_certificates-0-level": "province",
            "ocop_certificates-0-issuing_body": "UBND tỉnh",
            "ocop_certificates-0-expires_on": "",
            "ocop_certificates-0-status": "active",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    certificate = OcopCertificate.objects.get(product=own_product)
    assert certificate.stars == 4
    assert str(certificate.expires_on) == "2028-03-01"


def test_product_chooser_is_scoped_and_searchable(client, officer, own_product, foreign_product):
    client.force_login(officer)
    response = client.get(reverse(f"{PRODUCT_CHOOSER}:choose"))
    assert response.status_code == 200
    html = response.json()["html"]
    assert own_product.name in html
    assert foreign_product.name not in html
    assert client.get(reverse(f"{PRODUCT_CHOOSER}:chosen", args=[own_product.pk])).status_code == 200
    assert client.get(reverse(f"{PRODUCT_CHOOSER}:chosen", args=[foreign_product.pk])).status_code == 404


def test_product_chooser_search_folds_diacritics(client, editor, own_product, foreign_product):
    client.force_login(editor)
    response = client.get(reverse(f"{PRODUCT_CHOOSER}:choose_results"), {"q": "nuoc mam"})
    assert response.status_code == 200
    assert foreign_product.name in response.text
    assert own_product.name not in response.text


def test_officer_sees_categories_but_cannot_edit_them(client, officer):
    category = CategoryFactory(name="Nhóm Rau quả")
    client.force_login(officer)
    response = client.get(reverse(f"{CATEGORY}:list"))
    assert response.status_code == 200
    assert category.name in response.text
    for action in ("edit", "delete"):
        response = client.get(reverse(f"{CATEGORY}:{action}", args=[category.pk]))
        assert response.status_code == 302, action
        assert response["Location"] == reverse("wagtailadmin_home")
    response = client.post(reverse(f"{CATEGORY}:edit", args=[category.pk]), {"name": "Đổi"})
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.name == "Nhóm Rau quả"
    assert client.get(reverse(f"{CATEGORY}:add")).status_code == 302


def test_editor_edits_a_category(client, editor):
    category = CategoryFactory(name="Nhóm Đồ uống")
    client.force_login(editor)
    url = reverse(f"{CATEGORY}:edit", args=[category.pk])
    data = edit_form_data(client, url)
    data["name_en"] = "Drinks"
    response = client.post(url, data)
    assert response.status_code == 302
    assert Category.objects.get(pk=category.pk).name_en == "Drinks"

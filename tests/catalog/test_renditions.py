"""The renditions a storefront page shows are made when a photo is attached (catalog/renditions.py),
so that the page's first visitor does not wait for them."""

import logging

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.test.utils.form_data import querydict_from_html

from catalog import renditions
from tests.factories.catalog import ImageFactory, ProductFactory, ProductImageFactory
from tests.factories.producers import StallFactory

pytestmark = pytest.mark.django_db


def _specs_of(image):
    return set(image.renditions.values_list("filter_spec", flat=True))


def test_a_photo_attached_to_a_product_gets_its_card_detail_and_thumbnail(django_capture_on_commit_callbacks):
    product = ProductFactory(name="Mật ong hoa nhãn", stock=5)
    image = ImageFactory()

    with django_capture_on_commit_callbacks(execute=True):
        ProductImageFactory(product=product, image=image)

    assert _specs_of(image) == set(renditions.SPECS["product"])


def test_the_product_page_then_makes_no_rendition_of_its_own(django_capture_on_commit_callbacks):
    product = ProductFactory(name="Trà atisô túi lọc", stock=5)
    with django_capture_on_commit_callbacks(execute=True):
        ProductImageFactory(product=product, image=ImageFactory())
        ProductImageFactory(product=product, image=ImageFactory(), sort_order=1)
    Rendition = get_image_model().get_rendition_model()
    before = Rendition.objects.count()

    response = Client().get(product.get_absolute_url())

    assert response.status_code == 200
    assert Rendition.objects.count() == before


def test_a_stall_logo_and_cover_get_their_renditions(django_capture_on_commit_callbacks):
    stall = StallFactory()
    logo, cover = ImageFactory(), ImageFactory()

    with django_capture_on_commit_callbacks(execute=True):
        stall.logo, stall.cover = logo, cover
        stall.save()

    assert _specs_of(logo) == set(renditions.SPECS["stall_logo"])
    assert _specs_of(cover) == set(renditions.SPECS["stall_cover"])


def test_an_unreadable_photo_is_logged_not_raised(caplog):
    image = ImageFactory()
    image.file.storage.delete(image.file.name)

    with caplog.at_level(logging.WARNING, logger="catalog.renditions"):
        assert renditions.prepare([image.pk], "product") == 1

    assert _specs_of(image) == set()
    assert "renditions for product not made" in caplog.text


def test_renditions_already_made_are_not_made_again():
    image = ImageFactory()
    renditions.prepare([image.pk], "product")
    made = dict(image.renditions.values_list("filter_spec", "pk"))

    renditions.prepare([image.pk], "product")

    assert dict(image.renditions.values_list("filter_spec", "pk")) == made


def test_an_editor_adding_a_photo_in_the_admin_gets_its_renditions(client, editor, django_capture_on_commit_callbacks):
    """As an editor works: the product's edit form in the Wagtail admin, a photo chosen inline."""
    product = ProductFactory(name="Bánh pía Sầu riêng", price=85000, stock=5)
    image = ImageFactory()
    client.force_login(editor)
    url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])
    data = querydict_from_html(client.get(url).text, form_id="w-editor-form")
    data.update(
        {
            "images-TOTAL_FORMS": "1",
            "images-0-id": "",
            "images-0-ORDER": "1",
            "images-0-DELETE": "",
            "images-0-image": str(image.pk),
        }
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert product.images.get().image == image
    assert _specs_of(image) == set(renditions.SPECS["product"])

"""The approver sees what they approve: products, photos, documents, the bank account (masked),
the quantity, and for an edit what changes; a quantity of 0 is approved only when confirmed."""

import pytest

from catalog.models import Product
from onboarding import services
from onboarding.models import Application
from tests.factories.onboarding import (
    ApplicationFactory,
    ApplicationPhotoFactory,
    ApplicationProductFactory,
    OcopProductFactory,
)

pytestmark = pytest.mark.django_db
S = Application.State


@pytest.fixture
def in_review(household, commune, officer2):
    app = ApplicationFactory(household=household, created_by=household, commune=commune)
    honey = OcopProductFactory(application=app, name="Mật ong hoa cà phê", price=180000, unit="chai", stock=12)
    ApplicationPhotoFactory(product=honey)
    tea = ApplicationProductFactory(application=app, name="Trà Shan tuyết", price=95000, unit="gói", stock=0)
    ApplicationPhotoFactory(product=tea)
    services.submit(app, household)
    services.start_review(app, officer2)
    return app


def test_the_review_page_shows_every_product_document_and_the_masked_account(client, officer2, in_review):
    client.force_login(officer2)
    page = client.get(f"/ho-so/{in_review.pk}/").content.decode()
    for text in ("Mật ong hoa cà phê", "180.000 ₫", "chai", "Trà Shan tuyết", "95.000 ₫", "gói", "Nhóm thử"):
        assert text in page
    honey = in_review.products.get(name="Mật ong hoa cà phê")
    assert f"/ho-so/san-pham/{honey.pk}/giay-chung-nhan/" in page  # through the checked view
    assert "4★" in page and honey.ocop_decision_number in page
    assert page.count("<img") >= 2  # the photos themselves
    assert "•••• 7890" in page and "1234567890" not in page  # the bank account, masked
    assert "Số lượng có thể bán" in page and "hiện là hết hàng" in page  # quantity 0 stands out
    assert client.get(f"/ho-so/san-pham/{honey.pk}/giay-chung-nhan/").status_code == 200
    # The checklist shows each quantity too, to the household as to the officer.
    assert "Số lượng có thể bán của Trà Shan tuyết: 0" in page
    client.force_login(in_review.household)
    own = client.get(f"/ho-so/{in_review.pk}/").content.decode()
    assert "Số lượng có thể bán của Mật ong hoa cà phê: 12" in own


def test_an_officer_of_another_commune_gets_neither_page_nor_scan(client, other_officer, in_review):
    client.force_login(other_officer)
    honey = in_review.products.get(name="Mật ong hoa cà phê")
    assert client.get(f"/ho-so/{in_review.pk}/").status_code == 404
    assert client.get(f"/ho-so/san-pham/{honey.pk}/giay-chung-nhan/").status_code == 404


def test_approving_a_product_with_quantity_0_needs_the_confirmation(client, officer2, in_review):
    client.force_login(officer2)
    page = client.get(f"/ho-so/{in_review.pk}/").content.decode()
    assert 'name="confirm_zero_stock"' in page
    response = client.post(f"/can-bo/ho-so/{in_review.pk}/duyet/", follow=True)
    assert "Trà Shan tuyết: số lượng có thể bán là 0" in response.content.decode()
    assert Application.objects.get(pk=in_review.pk).state == S.IN_REVIEW
    assert not Product.objects.exists()

    client.post(f"/can-bo/ho-so/{in_review.pk}/duyet/", {"confirm_zero_stock": "on"})
    assert Application.objects.get(pk=in_review.pk).state == S.PUBLISHED
    assert Product.objects.get(name="Trà Shan tuyết").stock == 0


def test_no_confirmation_is_asked_when_every_product_has_a_quantity(client, officer2, in_review):
    in_review.products.filter(stock=0).update(stock=5)
    client.force_login(officer2)
    assert 'name="confirm_zero_stock"' not in client.get(f"/ho-so/{in_review.pk}/").content.decode()
    client.post(f"/can-bo/ho-so/{in_review.pk}/duyet/")
    assert Application.objects.get(pk=in_review.pk).state == S.PUBLISHED


def test_an_edit_application_shows_what_changes(client, household, officer2, commune):
    from tests.factories.catalog import ProductFactory, ProductImageFactory
    from tests.factories.producers import StallFactory

    stall = StallFactory(producer__owner=household, commune=commune, province=commune.province)
    product = ProductFactory(producer=stall.producer, name="Bánh pía cũ", price=100000, stock=3)
    ProductImageFactory(product=product)
    app = services.create_application(
        household=household,
        actor=household,
        kind=Application.Kind.EDIT_PRODUCT,
        producer=stall.producer,
        product=product,
    )
    item = app.products.get()
    item.name, item.price = "Bánh pía sầu riêng", 120000
    item.save()
    client.force_login(officer2)
    page = client.get(f"/ho-so/{app.pk}/").content.decode()
    assert "<del>Bánh pía cũ</del> → <ins>Bánh pía sầu riêng</ins>" in page
    assert "<del>100.000 ₫</del> → <ins>120.000 ₫</ins>" in page
    assert "<del>3</del>" not in page  # the quantity did not change


def test_the_review_page_reads_a_bounded_number_of_queries(client, officer2, in_review, django_assert_max_num_queries):
    for n in range(8):
        ApplicationPhotoFactory(product=ApplicationProductFactory(application=in_review, name=f"Sản phẩm {n}"))
    for ph in __import__("onboarding.models").models.ApplicationPhoto.objects.select_related("image"):
        ph.image.get_rendition("fill-120x120|format-webp|webpquality-70")
        ph.image.get_rendition("max-800x800|format-webp|webpquality-80")
    client.force_login(officer2)
    client.get(f"/ho-so/{in_review.pk}/")
    with django_assert_max_num_queries(60):
        assert client.get(f"/ho-so/{in_review.pk}/").status_code == 200

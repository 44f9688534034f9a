"""Approval publishes through the producers' and the catalog's services, atomically."""

import datetime

import pytest

from catalog.models import Certification, OcopCertificate, Product, ProductImage
from onboarding import services
from onboarding.models import Application
from producers.models import BankAccount, Producer, Stall
from tests.factories.onboarding import ApplicationPhotoFactory, OcopProductFactory, complete_application

pytestmark = pytest.mark.django_db

S = Application.State


def in_review(**kwargs):
    return complete_application(state=S.IN_REVIEW, **kwargs)


def test_new_stall_is_published_with_producer_bank_and_products(household, commune, officer, client):
    app = in_review(household=household, commune=commune, officer=officer, story="Dòng 1\n\nDòng <2>")
    ocop = OcopProductFactory(application=app, packaged_food=True, food_safety_number="7/2025/TCB")
    ocop.food_safety_date = datetime.date(2025, 5, 1)
    ocop.save()
    ApplicationPhotoFactory(product=ocop)
    services.approve(app, officer)

    app.refresh_from_db()
    producer = app.producer
    assert producer.owner == household and producer.officer == officer
    assert producer.legal_name == app.legal_name and producer.personal_id == app.personal_id
    stall = Stall.objects.get(producer=producer)
    assert stall.is_published and stall.name == app.stall_name and stall.commune == commune
    assert "&lt;2&gt;" in stall.story and "<p>" in stall.story
    bank = BankAccount.objects.get(producer=producer)
    assert (bank.bank_bin, bank.account_holder) == (app.bank_bin, app.account_holder)
    products = Product.objects.filter(producer=producer)
    assert products.count() == 2
    assert all(p.status == Product.Status.PUBLISHED for p in products)
    assert ProductImage.objects.filter(product__producer=producer).count() == 2
    cert = OcopCertificate.objects.get(product__producer=producer)
    assert cert.stars == 4 and cert.scan.name == ocop.ocop_scan.name and cert.expires_on
    assert Certification.objects.get(product=cert.product, kind=Certification.Kind.FOOD_SAFETY).number == "7/2025/TCB"
    assert set(app.products.values_list("product", flat=True)) == set(products.values_list("pk", flat=True))

    listing = client.get("/products/").content.decode()
    for product in products:
        assert product.name in listing
    assert client.get(stall.get_absolute_url()).status_code == 200


def test_failure_mid_publish_publishes_nothing_and_keeps_the_state(household, commune, officer, monkeypatch):
    app = in_review(household=household, commune=commune)
    second = OcopProductFactory(application=app)
    ApplicationPhotoFactory(product=second)
    import catalog.services

    real = catalog.services.publish_product
    calls = []

    def fail_on_second(item, producer, stall, **kwargs):
        calls.append(item.pk)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(item, producer, stall, **kwargs)

    monkeypatch.setattr(catalog.services, "publish_product", fail_on_second)
    audit_before = app.audit.count()
    with pytest.raises(services.TransitionError) as exc:
        services.approve(app, officer)
    assert "không" in exc.value.message  # "nothing was published", in Vietnamese
    assert len(calls) == 2  # the first product had been written before the failure
    app.refresh_from_db()
    assert app.state == S.IN_REVIEW and app.producer is None and app.decided_at is None
    assert app.audit.count() == audit_before
    assert not Producer.objects.exists()
    assert not Stall.objects.exists()
    assert not Product.objects.exists()
    assert not app.notifications.exists()


def test_invalid_data_at_publish_is_refused_cleanly(household, commune, officer):
    app = in_review(household=household, commune=commune)
    # A legal name longer than the producer's column allows: full_clean refuses it.
    Application.objects.filter(pk=app.pk).update(legal_name="x" * 200, representative="y" * 120)
    with pytest.raises(services.TransitionError):
        services.approve(app, officer)
    assert Application.objects.get(pk=app.pk).state == S.IN_REVIEW


def test_add_products_publishes_into_the_existing_stall(household, officer):
    from tests.factories.producers import StallFactory

    stall = StallFactory(producer__owner=household, producer__representative="Nguyễn Văn An")
    app = services.create_application(
        household=household, actor=household, kind=Application.Kind.ADD_PRODUCTS, producer=stall.producer
    )
    from tests.factories.onboarding import ApplicationProductFactory

    ApplicationPhotoFactory(product=ApplicationProductFactory(application=app, name="Mứt mãng cầu"))
    Application.objects.filter(pk=app.pk).update(
        bank_bin="970405", account_number="99887766", account_holder="NGUYEN VAN AN"
    )
    app.refresh_from_db()
    services.submit(app, household)
    officer.officer_profile.communes.add(stall.commune)
    services.start_review(app, officer)
    services.approve(app, officer)
    product = Product.objects.get(name="Mứt mãng cầu")
    assert product.producer == stall.producer
    assert Stall.objects.count() == 1
    assert BankAccount.objects.get(producer=stall.producer).account_number == "99887766"


def test_edit_product_updates_the_product_in_place(household, officer):
    from tests.factories.catalog import ProductFactory, ProductImageFactory
    from tests.factories.producers import StallFactory

    stall = StallFactory(producer__owner=household, producer__representative="Nguyễn Văn An")
    product = ProductFactory(producer=stall.producer, name="Bánh cũ", price=100000)
    ProductImageFactory(product=product)
    from producers.models import BankAccount as BA

    BA.objects.create(
        producer=stall.producer, bank_bin="970405", account_number="123456", account_holder="NGUYEN VAN AN"
    )
    app = services.create_application(
        household=household,
        actor=household,
        kind=Application.Kind.EDIT_PRODUCT,
        producer=stall.producer,
        product=product,
    )
    item = app.products.get()
    item.name, item.price = "Bánh mới", 120000
    item.save()
    services.submit(app, household)
    officer.officer_profile.communes.add(stall.commune)
    services.start_review(app, officer)
    services.approve(app, officer)
    product.refresh_from_db()
    assert (product.name, product.price) == ("Bánh mới", 120000)
    assert Product.objects.count() == 1
    assert product.images.count() == 1

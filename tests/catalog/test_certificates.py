"""OCOP certificates: default expiry, and only active unexpired ones show stars."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from catalog.models import OcopCertificate, Product, default_expiry
from catalog.queries import product_cards
from tests.factories.catalog import OcopCertificateFactory, ProductFactory

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=7))


def stars_of(product):
    return product_cards().get(pk=product.pk).stars


def badge_shown(client, product):
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    return response.context["certificate"] is not None and 'class="ocop"' in response.content.decode()


@pytest.mark.parametrize(
    ("decision", "expiry"),
    [
        (datetime.date(2024, 3, 15), datetime.date(2027, 3, 15)),
        (datetime.date(2024, 2, 29), datetime.date(2027, 2, 28)),
        (datetime.date(2023, 12, 31), datetime.date(2026, 12, 31)),
    ],
)
def test_default_expiry_is_36_months_after_the_decision(decision, expiry):
    assert default_expiry(decision) == expiry


def test_a_certificate_without_expiry_gets_the_default_on_save():
    cert = OcopCertificateFactory(decision_date=datetime.date(2024, 2, 29))
    cert.refresh_from_db()
    assert cert.expires_on == datetime.date(2027, 2, 28)


def test_an_explicit_expiry_is_kept():
    cert = OcopCertificateFactory(decision_date=datetime.date(2024, 1, 10), expires_on=datetime.date(2025, 1, 10))
    cert.refresh_from_db()
    assert cert.expires_on == datetime.date(2025, 1, 10)


def test_an_active_certificate_shows_its_stars(client):
    product = ProductFactory()
    OcopCertificateFactory(product=product, stars=4)
    assert stars_of(product) == 4
    assert badge_shown(client, product)


def test_the_best_active_certificate_wins():
    product = ProductFactory()
    OcopCertificateFactory(product=product, stars=3)
    OcopCertificateFactory(product=product, stars=5)
    OcopCertificateFactory(product=product, stars=5, status=OcopCertificate.Status.REVOKED)
    assert stars_of(product) == 5


def test_a_product_without_certificate_has_no_stars(client):
    product = ProductFactory()
    assert stars_of(product) is None
    assert not badge_shown(client, product)


def test_an_expired_certificate_shows_no_stars(client):
    product = ProductFactory()
    OcopCertificateFactory(product=product, stars=5, expires_on=timezone.localdate() - datetime.timedelta(days=1))
    assert stars_of(product) is None
    assert not badge_shown(client, product)
    assert client.get("/products/", {"stars": "3"}).context["products"].__len__() == 0


@pytest.mark.parametrize(
    "status", [OcopCertificate.Status.REVOKED, OcopCertificate.Status.EXPIRED, OcopCertificate.Status.REEVALUATING]
)
def test_a_certificate_not_active_shows_no_stars(client, status):
    product = ProductFactory()
    OcopCertificateFactory(product=product, stars=5, status=status)
    assert stars_of(product) is None
    assert not badge_shown(client, product)
    assert len(client.get("/products/", {"stars": "3"}).context["products"]) == 0


def test_a_certificate_is_valid_on_its_expiry_day_and_not_after():
    product = ProductFactory()
    cert = OcopCertificateFactory(product=product, stars=4, decision_date=datetime.date(2024, 2, 29))
    assert cert.expires_on == datetime.date(2027, 2, 28)
    with time_machine.travel(datetime.datetime(2027, 2, 28, 23, 30, tzinfo=TZ), tick=False):
        assert cert.is_valid_on()
        assert stars_of(product) == 4
    with time_machine.travel(datetime.datetime(2027, 3, 1, 0, 30, tzinfo=TZ), tick=False):
        assert not cert.is_valid_on()
        assert stars_of(product) is None


def test_stars_disappear_from_the_pages_once_the_clock_passes_expiry(client):
    with time_machine.travel(datetime.datetime(2025, 6, 1, 9, 0, tzinfo=TZ), tick=False):
        product = ProductFactory(name="Mắm cá linh")
        OcopCertificateFactory(product=product, stars=4, decision_date=datetime.date(2024, 6, 1))
        assert badge_shown(client, product)
        assert [p.stars for p in client.get("/products/").context["products"]] == [4]
        assert len(client.get("/products/", {"stars": "4"}).context["products"]) == 1

    with time_machine.travel(datetime.datetime(2027, 6, 2, 9, 0, tzinfo=TZ), tick=False):
        assert not badge_shown(client, product)
        assert [p.stars for p in client.get("/products/").context["products"]] == [None]
        assert len(client.get("/products/", {"stars": "3"}).context["products"]) == 0
        # still on sale, only without the badge
        assert Product.objects.published().filter(pk=product.pk).exists()


def test_the_expiry_uses_the_vietnam_date_not_utc():
    product = ProductFactory()
    OcopCertificateFactory(product=product, stars=3, expires_on=datetime.date(2026, 1, 1))
    # 2 January 2026 at 01:00 in Vietnam is still 1 January in UTC.
    with time_machine.travel(datetime.datetime(2026, 1, 2, 1, 0, tzinfo=TZ), tick=False):
        assert stars_of(product) is None

"""The daily OCOP certificate job: reminders at 90 and 30 days, once each; expiry on the day after."""

import datetime

import pytest
import time_machine

from catalog.models import OcopCertificate, Product
from core import roles
from onboarding.models import CertificateReminder, Notification
from onboarding.tasks import certificate_reminders
from tests.factories.catalog import OcopCertificateFactory, ProductFactory
from tests.factories.producers import OfficerFactory, StallFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPIRES = datetime.date(2026, 6, 30)


@pytest.fixture
def owner():
    return UserFactory(groups=[roles.FARMER], email="")


@pytest.fixture
def cert_officer():
    return OfficerFactory().user


@pytest.fixture
def cert(owner, cert_officer):
    stall = StallFactory(producer__owner=owner, producer__officer=cert_officer, phone="0912345678")
    product = ProductFactory(producer=stall.producer, name="Mắm tôm chà")
    return OcopCertificateFactory(
        product=product, decision_date=datetime.date(2023, 6, 30), expires_on=EXPIRES, stars=4
    )


def day(d):
    # Midday in Vietnam, so the local date is the one meant.
    return time_machine.travel(datetime.datetime(d.year, d.month, d.day, 5, 0, tzinfo=datetime.UTC), tick=False)


def run_on(d, capture):
    with day(d), capture(execute=True):
        return certificate_reminders()


def notes(user):
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_nothing_before_ninety_days(cert, owner, django_capture_on_commit_callbacks):
    counts = run_on(EXPIRES - datetime.timedelta(days=91), django_capture_on_commit_callbacks)
    assert counts == {"reminded_90": 0, "reminded_30": 0, "expired": 0}
    assert notes(owner) == []


def test_ninety_day_reminder_once_to_owner_and_officer(
    cert, owner, cert_officer, django_capture_on_commit_callbacks, notify_outbox
):
    first = run_on(EXPIRES - datetime.timedelta(days=90), django_capture_on_commit_callbacks)
    assert first["reminded_90"] == 1
    [title] = notes(owner)
    assert "Mắm tôm chà" in title and "30/06/2026" in title
    assert len(notes(cert_officer)) == 1
    # The owner has no e-mail: the stall's phone gets the SMS; the officer gets an e-mail.
    assert {(m.email, m.phone) for m in notify_outbox} == {("", "+84912345678"), (cert_officer.email, "")}
    # The next days of the window send nothing again.
    for days in (90, 89, 31):
        again = run_on(EXPIRES - datetime.timedelta(days=days), django_capture_on_commit_callbacks)
        assert again == {"reminded_90": 0, "reminded_30": 0, "expired": 0}
    assert len(notes(owner)) == 1


def test_thirty_day_reminder_once(cert, owner, django_capture_on_commit_callbacks):
    run_on(EXPIRES - datetime.timedelta(days=90), django_capture_on_commit_callbacks)
    counts = run_on(EXPIRES - datetime.timedelta(days=30), django_capture_on_commit_callbacks)
    assert counts["reminded_30"] == 1 and counts["reminded_90"] == 0
    assert run_on(EXPIRES - datetime.timedelta(days=10), django_capture_on_commit_callbacks)["reminded_30"] == 0
    assert len(notes(owner)) == 2
    assert set(CertificateReminder.objects.values_list("kind", flat=True)) == {"90", "30"}


def test_a_certificate_found_late_gets_only_the_thirty_day_reminder(cert, owner, django_capture_on_commit_callbacks):
    counts = run_on(EXPIRES - datetime.timedelta(days=20), django_capture_on_commit_callbacks)
    assert counts == {"reminded_90": 0, "reminded_30": 1, "expired": 0}


def test_on_expiry_the_badge_goes_and_the_product_stays(cert, owner, client, django_capture_on_commit_callbacks):
    product = cert.product
    with day(EXPIRES):
        assert Product.objects.with_stars().get(pk=product.pk).stars == 4
    counts = run_on(EXPIRES, django_capture_on_commit_callbacks)  # still valid on its last day
    assert counts["expired"] == 0
    counts = run_on(EXPIRES + datetime.timedelta(days=1), django_capture_on_commit_callbacks)
    assert counts["expired"] == 1
    cert.refresh_from_db()
    assert cert.status == OcopCertificate.Status.EXPIRED
    assert "hết hạn" in notes(owner)[-1]
    with day(EXPIRES + datetime.timedelta(days=1)):
        assert Product.objects.published().filter(pk=product.pk).exists()
        assert Product.objects.with_stars().get(pk=product.pk).stars is None
        assert product.name in client.get("/products/").content.decode()
    again = run_on(EXPIRES + datetime.timedelta(days=2), django_capture_on_commit_callbacks)
    assert again["expired"] == 0
    assert len([t for t in notes(owner) if "đã hết hạn" in t]) == 1


def test_a_renewed_certificate_is_reminded_again(cert, owner, django_capture_on_commit_callbacks):
    run_on(EXPIRES - datetime.timedelta(days=30), django_capture_on_commit_callbacks)
    renewed = EXPIRES + datetime.timedelta(days=365 * 3)
    OcopCertificate.objects.filter(pk=cert.pk).update(expires_on=renewed)
    counts = run_on(renewed - datetime.timedelta(days=30), django_capture_on_commit_callbacks)
    assert counts["reminded_30"] == 1


def test_revoked_certificates_are_left_alone(cert, owner, django_capture_on_commit_callbacks):
    OcopCertificate.objects.filter(pk=cert.pk).update(status=OcopCertificate.Status.REVOKED)
    counts = run_on(EXPIRES + datetime.timedelta(days=1), django_capture_on_commit_callbacks)
    assert counts == {"reminded_90": 0, "reminded_30": 0, "expired": 0}
    cert.refresh_from_db()
    assert cert.status == OcopCertificate.Status.REVOKED


def test_task_is_registered_under_its_beat_name(settings):
    from ocop_market.celery import app

    assert certificate_reminders.name == "onboarding.tasks.certificate_reminders"
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert certificate_reminders.name in names
    assert certificate_reminders.name in app.tasks

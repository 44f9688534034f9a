"""The officer dashboard: per state, median days to publication, households this month, expiring certificates."""

import datetime

import pytest
from django.utils import timezone

from catalog.models import OcopCertificate
from onboarding.models import Application
from tests.factories.catalog import OcopCertificateFactory, ProductFactory
from tests.factories.onboarding import complete_application
from tests.factories.producers import StallFactory

pytestmark = pytest.mark.django_db

S = Application.State


def published(commune, *, days: float, household=None):
    now = timezone.now()
    kwargs = {"household": household} if household else {}
    return complete_application(
        state=S.PUBLISHED,
        commune=commune,
        submitted_at=now - datetime.timedelta(days=days),
        published_at=now,
        **kwargs,
    )


def test_dashboard_figures(client, officer, commune, other_commune):
    complete_application(state=S.SUBMITTED, commune=commune)
    complete_application(state=S.IN_REVIEW, commune=commune)
    published(commune, days=2)
    published(commune, days=4)
    published(commune, days=9)
    published(other_commune, days=30)  # not the officer's
    today = timezone.localdate()
    mine = StallFactory(commune=commune, province=commune.province)
    soon = OcopCertificateFactory(
        product=ProductFactory(producer=mine.producer, name="Mứt gừng"),
        expires_on=today + datetime.timedelta(days=20),
    )
    OcopCertificateFactory(
        product=ProductFactory(producer=mine.producer, name="Trà xanh"), expires_on=today + datetime.timedelta(days=200)
    )
    OcopCertificateFactory(
        product=ProductFactory(producer=mine.producer, name="Mắm"),
        expires_on=today + datetime.timedelta(days=10),
        status=OcopCertificate.Status.REVOKED,
    )
    OcopCertificateFactory(
        product=ProductFactory(name="Xa lạ"), expires_on=today + datetime.timedelta(days=5)
    )  # another commune's
    client.force_login(officer)
    response = client.get("/can-bo/bang-dieu-khien/")
    assert response.status_code == 200
    ctx = response.context
    counts = {row["value"]: row["count"] for row in ctx["per_state"]}
    assert counts[S.SUBMITTED] == 1 and counts[S.IN_REVIEW] == 1 and counts[S.PUBLISHED] == 3
    assert ctx["median_days"] == 4.0
    assert [(row["commune_id"], row["households"]) for row in ctx["onboarded"]] == [(commune.pk, 3)]
    assert [c.pk for c in ctx["expiring"]] == [soon.pk]
    body = response.content.decode()
    assert "Mứt gừng" in body and "Xa lạ" not in body and "Trà xanh" not in body
    assert "4.0 ngày" in body or "4,0 ngày" in body


def test_households_counted_once_and_only_this_month(client, officer, commune, household):
    published(commune, days=1, household=household)
    last_month = published(commune, days=1)
    Application.objects.filter(pk=last_month.pk).update(published_at=timezone.now() - datetime.timedelta(days=40))
    client.force_login(officer)
    ctx = client.get("/can-bo/bang-dieu-khien/").context
    assert [row["households"] for row in ctx["onboarded"]] == [1]


def test_empty_dashboard(client, officer):
    client.force_login(officer)
    response = client.get("/can-bo/bang-dieu-khien/")
    assert response.status_code == 200
    assert response.context["median_days"] is None
    assert "Chưa có hồ sơ nào được đăng bán." in response.content.decode()


def test_dashboard_query_count(client, officer, commune, django_assert_max_num_queries):
    for days in (1, 2, 3):
        published(commune, days=days)
    stall = StallFactory(commune=commune, province=commune.province)
    for _ in range(4):
        OcopCertificateFactory(
            product=ProductFactory(producer=stall.producer),
            expires_on=timezone.localdate() + datetime.timedelta(days=30),
        )
    client.force_login(officer)
    # 15, and the two grouped counts of households by language and by way of onboarding.
    with django_assert_max_num_queries(17):
        response = client.get("/can-bo/bang-dieu-khien/")
    assert len(response.context["expiring"]) == 4


def test_editor_dashboard_covers_everything(client, editor, commune, other_commune):
    published(commune, days=1)
    published(other_commune, days=3)
    client.force_login(editor)
    assert client.get("/can-bo/bang-dieu-khien/").context["median_days"] == 2.0

"""``seed_onboarding``: applications in every state, officer2, idempotent."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from catalog.models import Product
from core import roles
from demo.onboarding_data import seed_onboarding
from onboarding.models import Application, AuditEntry
from producers.models import Stall
from tests.factories.catalog import CategoryFactory, ImageFactory, ProductFactory, ProductImageFactory
from tests.factories.producers import OfficerFactory, StallFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Application.State


@pytest.fixture
def demo_users(commune):
    officer = OfficerFactory(user__username="officer", communes=[commune]).user
    farmer = UserFactory(username="farmer", first_name="Trần Thị Mai", groups=[roles.FARMER])
    stall = StallFactory(
        producer__owner=farmer,
        producer__representative="Trần Thị Mai",
        commune=commune,
        province=commune.province,
    )
    ProductFactory(producer=stall.producer)
    # Existing demo stalls of the officer's communes, without an owner: the published applications
    # become their onboarding records.
    for _ in range(2):
        other = StallFactory(commune=commune, province=commune.province, producer__representative="Lâm Văn Hiệp")
        ProductImageFactory(product=ProductFactory(producer=other.producer))
    CategoryFactory(parent=CategoryFactory())
    ImageFactory()
    return {"officer": officer, "farmer": farmer}


def test_seed_covers_every_state_and_is_idempotent(demo_users, client):
    today = timezone.localdate()
    first = seed_onboarding(today=today, users=demo_users)
    assert first["onboarding applications created"] == 10
    states = set(Application.objects.values_list("state", flat=True))
    assert states == {s for s in S if s != S.APPROVED}  # "approved" lasts only inside the approval
    assert Application.objects.filter(household=demo_users["farmer"]).count() == 2
    # Every application is in the demo officer's queue, and each has its audit trail.
    officer = demo_users["officer"]
    assert Application.objects.in_scope_of(officer).count() == Application.objects.count()
    assert not Application.objects.exclude(pk__in=AuditEntry.objects.values("application")).exists()

    officer2 = get_user_model().objects.get(username="officer2")
    assert officer2.check_password("demo12345")
    assert set(officer2.officer_profile.communes.all()) == set(officer.officer_profile.communes.all())
    # The four-eyes case: created by officer, in review, approvable by officer2 only.
    waiting = Application.objects.get(state=S.IN_REVIEW)
    assert waiting.created_by == officer

    before = (Application.objects.count(), AuditEntry.objects.count(), get_user_model().objects.count())
    second = seed_onboarding(today=today, users=demo_users)
    assert second["onboarding applications created"] == 0
    assert (Application.objects.count(), AuditEntry.objects.count(), get_user_model().objects.count()) == before

    # Published applications point at the existing stalls: nothing new on the storefront.
    assert Stall.objects.count() == 3 and Product.objects.count() == 3
    for app in Application.objects.filter(state=S.PUBLISHED):
        assert app.producer.owner == app.household

    client.force_login(officer)
    response = client.get("/can-bo/bang-dieu-khien/")
    assert response.context["median_days"] is not None
    assert response.context["onboarded"]


def test_seed_without_officer_does_nothing():
    assert seed_onboarding(today=timezone.localdate(), users={}) == {}

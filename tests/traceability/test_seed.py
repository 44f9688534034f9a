"""The demo batches: several stalls, every stage, published and draft; a second run adds nothing."""

import pytest
from django.utils import timezone

from core import roles
from demo.traceability_data import seed_traceability
from tests.factories.catalog import ProductFactory
from tests.factories.producers import OfficerFactory, StallFactory, UserFactory
from traceability.models import Batch, TraceEvent

pytestmark = pytest.mark.django_db


def test_seed_makes_batches_for_several_stalls_once(client):
    farmer = UserFactory(username="farmer", groups=[roles.FARMER])
    stalls = [StallFactory(slug=f"gian-hang-{n}") for n in range(4)]
    stalls[0].producer.owner = farmer
    stalls[0].producer.save()
    for stall in stalls:
        ProductFactory(producer=stall.producer)
    officer = OfficerFactory(user__username="officer", communes=[s.commune for s in stalls]).user
    users = {"farmer": farmer, "officer": officer}
    first = seed_traceability(today=timezone.localdate(), users=users)
    counts = (Batch.objects.count(), TraceEvent.objects.count())
    assert seed_traceability(today=timezone.localdate(), users=users) == {}
    assert (Batch.objects.count(), TraceEvent.objects.count()) == counts
    assert first == {"production batches": counts[0]}
    published = Batch.objects.published()
    assert published.values("product__producer").distinct().count() == 4
    assert published.filter(gtin="8935049500018").exists()
    assert Batch.objects.filter(status=Batch.Status.DRAFT).exists()
    assert published.filter(by_officer=True).exists()
    assert TraceEvent.objects.filter(stage="correction").exists()
    stages = set(TraceEvent.objects.values_list("stage", flat=True))
    assert {"planting", "harvest", "processing", "packing"} <= stages
    for batch in published:
        assert client.get(batch.get_absolute_url()).status_code == 200

"""The batch's rules: dates, event order, the 2025 communes, append-only after publication, codes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import roles
from tests.factories.catalog import ProductFactory
from tests.factories.producers import CommuneFactory, OfficerFactory, UserFactory
from tests.factories.traceability import _at, draft_batch, published_batch
from traceability import codes
from traceability.forms import EventForm
from traceability.models import Batch, TraceEvent
from traceability.services import EventData, TraceError, batch_publish, event_add, event_delete

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


def test_harvest_in_the_future_is_refused_and_nothing_saved():
    with pytest.raises(ValidationError) as exc:
        draft_batch(produced_on=TODAY() + datetime.timedelta(days=1))
    assert _errors(exc)["produced_on"] == ["Ngày sản xuất hoặc thu hoạch không thể ở tương lai."]
    assert not Batch.objects.exists()


def test_packing_before_harvest_is_refused():
    with pytest.raises(ValidationError) as exc:
        draft_batch(produced_on=TODAY() - datetime.timedelta(days=3), packed_on=TODAY() - datetime.timedelta(days=5))
    assert "packed_on" in _errors(exc)
    assert not Batch.objects.exists()


def test_expiry_before_packing_is_refused():
    with pytest.raises(ValidationError) as exc:
        draft_batch(expires_on=TODAY() - datetime.timedelta(days=9))
    assert "expires_on" in _errors(exc)


def test_events_out_of_order_save_nothing():
    product = ProductFactory()
    commune = product.producer.stall.commune
    packing_then_harvest = [
        EventData(stage="packing", commune=commune, occurred_at=_at(5)),
        EventData(stage="harvest", commune=commune, occurred_at=_at(4)),
    ]
    with pytest.raises(ValidationError) as exc:
        draft_batch(product=product, events=packing_then_harvest)
    assert "stage" in _errors(exc)
    going_back_in_time = [
        EventData(stage="harvest", commune=commune, occurred_at=_at(5)),
        EventData(stage="processing", commune=commune, occurred_at=_at(6)),
    ]
    with pytest.raises(ValidationError) as exc:
        draft_batch(product=product, events=going_back_in_time)
    assert "occurred_at" in _errors(exc)
    assert not Batch.objects.exists() and not TraceEvent.objects.exists()


def test_event_in_the_future_is_refused():
    batch = draft_batch()
    future = timezone.now() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as exc:
        event_add(batch=batch, actor=None, event=EventData("shipping", batch.product.producer.stall.commune, future))
    assert "occurred_at" in _errors(exc)
    assert batch.events.count() == 2


def test_a_commune_outside_the_2025_units_is_refused_next_to_the_field():
    commune = CommuneFactory()
    data = {"stage": "harvest", "occurred_at": "2025-08-01T08:00"}
    form = EventForm({**data, "commune": "99999"}, communes=[commune])
    assert not form.is_valid()
    assert "2025" in form.errors["commune"][0]
    assert EventForm({**data, "commune": commune.pk}, communes=[commune]).is_valid()


def test_published_batch_is_append_only():
    batch = published_batch()
    batch.quantity = 999
    with pytest.raises(ValidationError):
        batch.save()
    event = batch.events.first()
    event.note = "sửa lén"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(TraceError):
        event_delete(event=event, actor=None)
    with pytest.raises(ValidationError):
        Batch.objects.get(pk=batch.pk).delete()
    # The one way to fix a mistake: a correcting event, which must say what it corrects.
    commune = batch.product.producer.stall.commune
    with pytest.raises(ValidationError) as exc:
        event_add(batch=batch, actor=None, event=EventData("correction", commune, timezone.now()))
    assert "note" in _errors(exc)
    fix = event_add(
        batch=batch,
        actor=None,
        event=EventData("correction", commune, timezone.now(), note="Hạn dùng đúng là 01/03/2026"),
    )
    assert fix.sequence == 3 and fix.is_correction
    assert Batch.objects.get(pk=batch.pk).quantity == 120


def test_publishing_needs_an_event_and_happens_once():
    batch = draft_batch(events=[])
    with pytest.raises(TraceError):
        batch_publish(batch=batch, actor=None)
    event_add(batch=batch, actor=None, event=EventData("harvest", batch.product.producer.stall.commune, _at(3)))
    batch_publish(batch=batch, actor=None)
    with pytest.raises(TraceError):
        batch_publish(batch=batch, actor=None)


def test_officer_entries_are_marked_and_the_household_own_are_not():
    farmer = UserFactory(groups=[roles.FARMER])
    product = ProductFactory()
    product.producer.owner = farmer
    product.producer.save()
    officer = OfficerFactory(communes=[product.producer.stall.commune]).user
    own = draft_batch(product=product, actor=farmer, code="A")
    assisted = draft_batch(product=product, actor=officer, code="B")
    assert not own.by_officer and not own.events.filter(by_officer=True).exists()
    assert assisted.by_officer and assisted.events.filter(by_officer=True).count() == 2


def test_batch_numbers_are_unique_per_product():
    product = ProductFactory()
    draft_batch(product=product, code="L1")
    with pytest.raises(ValidationError):
        draft_batch(product=product, code="L1")
    draft_batch(code="L1")  # another product may use the same number


def test_trace_codes_are_short_random_and_forgiving_when_typed():
    made = [codes.new_trace_code() for _ in range(500)]
    assert len(set(made)) == 500
    assert all(len(c) == 10 and set(c) <= set(codes.ALPHABET) for c in made)
    # 50 bits of entropy: 32 symbols, 10 places; consecutive codes share nothing that counts up.
    assert len(codes.ALPHABET) ** codes.LENGTH >= 2**50
    batches = [published_batch(code=f"L{n}") for n in range(3)]
    assert len({b.trace_code[:6] for b in batches}) == 3
    code = batches[0].trace_code
    assert codes.normalize_trace_code(code.lower()) == code
    assert codes.normalize_trace_code("O" + code[1:]) == codes.normalize_trace_code("0" + code[1:])
    assert codes.normalize_trace_code("short") is None


@pytest.mark.parametrize(
    ("value", "ok"),
    [("8935049500018", True), ("8935049500017", False), ("96385074", True), ("12345", False), ("89350495000a8", False)],
)
def test_gtin_is_validated(value, ok):
    if ok:
        codes.validate_gtin(value)
    else:
        with pytest.raises(ValidationError):
            codes.validate_gtin(value)


def test_trace_url_follows_gs1_digital_link_when_there_is_a_gtin():
    plain = published_batch(code="P")
    linked = published_batch(code="G", gtin="8935049500018")
    assert codes.trace_url(plain) == f"http://testserver/truy-xuat/{plain.trace_code}/"
    assert codes.trace_url(linked) == f"http://testserver/01/08935049500018/10/{linked.trace_code}"

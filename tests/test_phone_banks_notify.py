import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from core import notify
from core.phone import VietnamesePhoneField, display_vn_phone, normalize_vn_phone
from producers.banks import bank_choices, holder_matches, vietqr_banks


@pytest.mark.parametrize("raw", ["0912345678", "0912 345 678", "+84 912 345 678", "84912345678", "(091) 234-5678"])
def test_vietnamese_mobile_numbers_are_normalised_to_e164(raw):
    assert normalize_vn_phone(raw) == "+84912345678"


@pytest.mark.parametrize("raw", ["", "12345", "0912", "+1 202 555 0143", "abc", "09123456789012"])
def test_invalid_phone_numbers_get_a_clear_message(raw):
    with pytest.raises(ValidationError) as exc:
        normalize_vn_phone(raw)
    assert exc.value.code == "invalid_phone"


def test_phone_field_cleans_to_e164_and_displays_nationally():
    field = VietnamesePhoneField()
    assert field.clean("0987 654 321") == "+84987654321"
    assert display_vn_phone("+84987654321") == "0987 654 321"


def test_bank_list_has_the_big_vietqr_banks_once_each():
    bins = [b for b, _short, _name in vietqr_banks()]
    assert "970436" in bins  # Vietcombank
    assert "970405" in bins  # Agribank
    assert len(bins) == len(set(bins))
    assert len(bank_choices()) == len(bins)


def test_account_holder_matches_the_representative_without_diacritics():
    assert holder_matches("NGUYEN VAN AN", "Nguyễn Văn  An")
    assert holder_matches("Đặng Thị Hoa", "DANG THI HOA")
    assert not holder_matches("NGUYEN VAN BINH", "Nguyễn Văn An")
    assert not holder_matches("", "")


class Boom:
    def send(self, message):
        raise RuntimeError("gateway down")


@pytest.mark.django_db(transaction=True)
def test_notification_leaves_after_commit_and_a_failing_sender_breaks_nothing(settings, notify_outbox):
    message = notify.Message(subject="s", body="b", phone="+84912345678")
    with transaction.atomic():
        notify.notify_on_commit(message)
        assert notify_outbox == []
    assert notify_outbox == [message]

    settings.NOTIFY_SENDER = "tests.test_phone_banks_notify.Boom"
    assert notify.send_now(message) is False


@pytest.mark.django_db(transaction=True)
def test_notification_is_dropped_when_the_transaction_rolls_back(notify_outbox):
    with pytest.raises(ValueError), transaction.atomic():
        notify.notify_on_commit(notify.Message(subject="s", body="b", email="a@example.com"))
        raise ValueError
    assert notify_outbox == []


def test_a_long_running_process_keeps_only_the_last_messages_it_sent(notify_outbox):
    for n in range(notify.OUTBOX_SIZE + 20):
        notify.send_now(notify.Message(subject=f"Đơn {n}", body="", phone="+84912345678"))
    assert len(notify_outbox) == notify.OUTBOX_SIZE
    assert notify_outbox[0].subject == "Đơn 20"
    assert notify_outbox[-1].subject == f"Đơn {notify.OUTBOX_SIZE + 19}"

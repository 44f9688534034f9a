"""The money screens at 360 px: the buyer's order page with a refund owed and then sent, the
payment page of finance (refund owed, bank reference form), the bank notifications to check,
and the stall's monthly statement with the shipping fee on its own column.
Screenshots: artifacts/screenshots/money-*-360.png."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone

from core import roles
from orders import bank_webhooks, payments, services
from tests.factories.producers import UserFactory
from tests.orders.conftest import buyer_address, stall_with_products  # noqa: F401

from .conftest import MOBILE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def log_in(screen, user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    host = screen.base_url.split("//", 1)[1].split(":")[0]
    screen.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session.session_key, "domain": host, "path": "/"}]
    )


def test_refund_owed_then_sent_and_the_finance_screens(screen, stall_with_products, buyer_address, settings):  # noqa: F811
    stall_a = stall_with_products[0]
    stall_a.producer.owner = UserFactory(groups=[roles.FARMER])
    stall_a.producer.save()
    finance = UserFactory(groups=[roles.FINANCE])
    order = services.place_order(
        {p.pk: 1 for p in stall_with_products[2] + stall_with_products[3]},
        {**buyer_address, "payment_method": "vietqr"},
    )
    payments.mark_transfer_received(order, by=finance)
    group_a = order.groups.get(stall=stall_a)
    services.cancel_group(group_a, reason="Hết hàng", by=stall_a.producer.owner)
    settings.SEPAY_WEBHOOK_API_KEY = "k"
    bank_webhooks.record_transaction(
        {
            "id": 7,
            "transferType": "in",
            "transferAmount": 90000,
            "content": "OCOP 2026 chuyen thieu",
            "referenceCode": "FT7",
        }
    )

    buyer = screen(MOBILE)
    buyer.goto(order.get_absolute_url())
    assert "hoàn" in buyer.page.content()
    buyer.shot("money-order-refund-owed")
    assert buyer.horizontal_overflow() == 0

    staff = screen(MOBILE)
    log_in(staff, finance)
    page = staff.goto(reverse("orders:payment-manage", kwargs={"number": order.number}))
    staff.shot("money-manage-refund-owed")
    assert staff.horizontal_overflow() == 0
    page.fill("input[name=bank_reference]", "FT26340123456")
    page.click("text=Đã chuyển tiền hoàn")
    page.wait_for_load_state("load")
    staff.goto(reverse("orders:bank-statement"))
    assert "chuyen thieu" in staff.page.content()
    staff.shot("money-bank-notifications")

    buyer.goto(order.get_absolute_url())
    assert "FT26340123456" in buyer.page.content()
    buyer.shot("money-order-refund-sent")

    owner = screen(MOBILE)
    log_in(owner, stall_a.producer.owner)
    month = timezone.localdate().strftime("%Y-%m")
    owner.goto(reverse("orders:statement", kwargs={"stall_pk": stall_a.pk, "month": month}))
    assert "Phí vận chuyển được ghi riêng" in owner.page.content() and "shipping fee" not in owner.page.content()
    owner.shot("money-statement")
    assert buyer.errors == [] and staff.errors == [] and owner.errors == []

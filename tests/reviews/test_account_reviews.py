"""A signed-in buyer finds the reviews she wrote on her account page, and only hers."""

import pytest
from django.test import Client
from django.urls import reverse

from orders import buyer_accounts
from reviews import services
from tests.orders.test_buyer_accounts import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _codes_leave_at_once(monkeypatch):
    from core.notify import send_now

    monkeypatch.setattr(buyer_accounts, "notify_on_commit", send_now)


def test_the_account_page_lists_the_buyers_own_reviews_with_their_state(notify_outbox, delivered_line):
    review = services.review_submit(line=delivered_line, rating=4, text="Bánh thơm, vỏ mỏng.", author_name="Bình")
    phone = delivered_line.group.order.buyer_phone
    client = Client()
    sign_in(client, notify_outbox, phone=phone)
    page = client.get(reverse("orders:account")).content.decode()
    assert "Đánh giá của tôi" in page
    assert "Bánh thơm, vỏ mỏng." in page and "Chờ kiểm duyệt" in page
    assert (
        reverse("reviews:write", kwargs={"token": delivered_line.group.order.access_token, "line_pk": review.line_id})
        in page
    )

    other = Client()
    sign_in(other, notify_outbox, phone="0987 000 111")
    page = other.get(reverse("orders:account")).content.decode()
    assert "Bánh thơm, vỏ mỏng." not in page
    assert "Bạn chưa đánh giá sản phẩm nào" in page

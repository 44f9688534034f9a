"""A buyer's account and the policy pages at 360 css px, in headless Chromium: sign in with the
texted code, the account page with an order and a saved address, a policy page and the footer.
Screenshots in artifacts/screenshots/buyer-*-360.png."""

import re

import pytest

from demo import cms_content as demo
from orders.models import BuyerAccount, BuyerAddress
from tests.factories import cms
from tests.factories.orders import OrderFactory
from tests.factories.producers import CommuneFactory

from .conftest import MOBILE, SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def site():
    home = cms.home_page()
    result = demo.Result()
    demo._translate(home, dict(demo.ENGLISH_HOME), result)
    demo._legal_pages(home, result)
    return home


def test_a_buyer_signs_in_on_a_phone_and_reads_the_policies(screen, site, notify_outbox):
    order = OrderFactory(buyer_phone="+84912345678")
    s = screen(MOBILE)
    page = s.goto("/tai-khoan/dang-nhap/")
    assert s.horizontal_overflow() == 0
    s.shot("buyer-sign-in")
    page.fill("#id_phone", "0912 345 678")
    page.get_by_role("button", name="Gửi mã cho tôi").click()
    page.wait_for_url("**/tai-khoan/nhap-ma/")
    assert s.horizontal_overflow() == 0
    s.shot("buyer-code")
    code = re.search(r"\b(\d{6})\b", notify_outbox[-1].body).group(1)
    page.fill("#id_code", code)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/tai-khoan/")
    commune = CommuneFactory()
    BuyerAddress.objects.create(
        account=BuyerAccount.objects.get(),
        recipient_name="Trần Thị Bình",
        phone="+84912345678",
        province=commune.province,
        commune=commune,
        street_address="12 Lê Lợi",
    )
    page.reload()
    assert order.number in page.content()
    assert s.horizontal_overflow() == 0
    s.shot("buyer-account")

    page = s.goto("/chinh-sach/doi-tra-hoan-tien/")
    assert "Chính sách đổi trả và hoàn tiền" in page.content()
    assert s.horizontal_overflow() == 0
    s.shot("buyer-legal-page")
    footer = page.locator("footer")
    footer.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    footer.screenshot(path=str(SCREENSHOTS / "buyer-footer-360.png"))
    rules = "Quy chế hoạt động sàn giao dịch thương mại điện tử OCOP Market"
    assert footer.get_by_role("link", name=rules).count() == 1
    assert not s.errors

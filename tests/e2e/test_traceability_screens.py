"""The trace page, the household's batch screens and a rasterised stamp sheet, in headless Chromium at 360 px.

Screenshots: artifacts/screenshots/trace-*-360.png.
"""

import base64
import io

import pypdfium2
import pytest
from django.test import Client
from django.urls import reverse

from core import roles
from tests.factories.catalog import OcopCertificateFactory, ProductFactory
from tests.factories.producers import UserFactory
from tests.factories.traceability import draft_batch, published_batch
from traceability import pdf
from traceability.codes import trace_url

from .conftest import MOBILE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def batch():
    farmer = UserFactory(username="ho-gung", groups=[roles.FARMER])
    product = ProductFactory(name="Mật ong hoa nhãn Hưng Yên loại đặc biệt", unit="chai")
    product.producer.owner = farmer
    product.producer.save()
    OcopCertificateFactory(product=product, stars=4, decision_number="1234/QĐ-UBND", issuing_body="UBND tỉnh Hưng Yên")
    return published_batch(product=product, code="MO-2025-07", gtin="8935049500018")


def _login(screen, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    screen.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": screen.base_url}])


def test_trace_page_reads_on_a_cheap_phone_without_javascript(screen, batch):
    s = screen(MOBILE, java_script_enabled=False)
    page = s.goto(f"/truy-xuat/{batch.trace_code}/")
    assert page.locator("h1").inner_text() == batch.product.name
    assert page.locator(".timeline li").count() == 2
    s.shot("trace-page")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth)"
        ".map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))"
    )
    assert s.horizontal_overflow() <= 0, wide
    page = s.goto(f"/en/truy-xuat/{batch.trace_code}/")
    assert "From field to package" in page.content()
    s.shot("trace-page-en")
    assert not s.errors


def test_product_page_shows_the_trace_block(screen, batch):
    s = screen(MOBILE)
    page = s.goto(batch.product.get_absolute_url())
    link = page.locator(".trace-box a")
    assert link.get_attribute("href") == batch.get_absolute_url()
    link.scroll_into_view_if_needed()
    s.shot("trace-product-block")
    link.click()
    assert page.locator("h1").inner_text() == batch.product.name


def test_household_batch_screens(screen, batch):
    s = screen(MOBILE)
    _login(s, batch.product.producer.owner)
    draft = draft_batch(product=batch.product, code="MO-2025-08", actor=batch.product.producer.owner)
    s.goto(reverse("traceability:batch-new"))
    assert s.horizontal_overflow() <= 0
    s.shot("trace-batch-new")
    s.goto(reverse("traceability:batch", args=[draft.pk]))
    assert s.horizontal_overflow() <= 0
    s.shot("trace-batch-draft")
    s.goto(reverse("traceability:batch", args=[batch.pk]))
    assert s.horizontal_overflow() <= 0
    s.shot("trace-batch-published")
    s.goto(reverse("traceability:batches"))
    s.shot("trace-batch-list")


def test_stamp_sheet_rasterised(screen, batch):
    stamp = pdf.Stamp(trace_url(batch), batch.product.name, batch.code, batch.trace_code, 4)
    for layout in ("3x8", "4x10"):
        body = pdf.stamp_sheet(stamp, count=pdf.LAYOUTS[layout].per_page, layout=pdf.LAYOUTS[layout])
        image = pypdfium2.PdfDocument(body)[0].render(scale=150 / 72).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        data = base64.b64encode(buffer.getvalue()).decode()
        s = screen(MOBILE)
        s.page.set_content(f'<body style="margin:0"><img alt="" style="width:100%" src="data:image/png;base64,{data}">')
        s.shot(f"trace-stamps-{layout}")
        # The top-left stamp, closer: what a commune office prints on one label.
        s.page.set_content(
            f'<body style="margin:0;overflow:hidden"><img alt="" style="width:300%" src="data:image/png;base64,{data}">'
        )
        s.page.screenshot(path=str(s.shot(f"trace-stamp-{layout}-zoom")), full_page=False)

"""The search as a shopper on a phone meets it: suggestions while typing, and a search
that finds nothing, in headless Chromium at 360 css px (screenshots in
artifacts/screenshots/)."""

import pytest

from .conftest import MOBILE
from .test_screens import store  # noqa: F401 (the shared catalogue of ten products)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_suggestions_appear_while_typing_and_choosing_one_searches(store, screen):  # noqa: F811
    s = screen(MOBILE)
    page = s.goto("/")
    box = page.locator("#site-q")
    box.press_sequentially("ca phe", delay=40)
    options = page.locator("#site-q-list [role=option]")
    options.first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    texts = options.all_inner_texts()
    assert any("Cà phê Robusta Đắk Lắk" in t and "Sản phẩm" in t for t in texts)
    assert any("Cà phê, ca cao" in t and "Danh mục" in t for t in texts)
    assert s.horizontal_overflow() <= 0
    s.shot("search-suggestions")  # the list is open in the shot
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "site-q-option-0"
    with page.expect_navigation():
        box.press("Enter")
    assert "q=C%C3%A0+ph%C3%AA+Robusta" in page.url
    assert "Cà phê Robusta Đắk Lắk" in page.locator(".results .grid").inner_text()
    assert s.errors == []


def test_a_search_without_result_asks_did_you_mean_and_offers_categories(store, screen):  # noqa: F811
    s = screen(MOBILE)
    page = s.goto("/products/?q=banh+xyz")
    help_box = page.locator(".no-result")
    assert "Không có sản phẩm nào khớp “banh xyz”" in help_box.inner_text()
    assert "Có phải bạn muốn tìm" in help_box.inner_text()
    assert help_box.locator(".cats a").count() >= 1
    assert s.horizontal_overflow() <= 0
    s.shot("search-no-result")
    with page.expect_navigation():
        help_box.get_by_role("link", name="“banh”").click()
    assert "Bánh pía Sóc Trăng" in page.locator(".results .grid").inner_text()
    assert s.errors == []


def test_a_typo_shows_the_corrected_results(store, screen):  # noqa: F811
    s = screen(MOBILE)
    page = s.goto("/products/?q=banh+pai")
    assert "“bánh pía”" in page.locator(".no-result").inner_text()
    assert "Bánh pía Sóc Trăng" in page.locator(".results .grid").inner_text()
    s.shot("search-corrected")
    assert s.errors == []

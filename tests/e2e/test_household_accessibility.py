"""The household's screens pass axe-core in each of the site's three languages.

Households who read little Vietnamese use these screens in Khmer; an officer may use them in
English. Each screen, in Vietnamese, Khmer and English, at 360 css px: no serious or critical
axe-core violation and nothing wider than the phone.
"""

import pytest

from onboarding.household_views import ALL_STEPS

from . import a11y
from .conftest import MOBILE
from .test_khmer_screens import _login, shop  # noqa: F401  (the shared fixture)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LANGUAGES = ("", "/km", "/en")  # Vietnamese has no prefix


def household_screens(application):
    return [
        "/ho-so/",
        f"/ho-so/{application.pk}/",
        f"/ho-so/{application.pk}/quick-product/",
        f"/ho-so/{application.pk}/{ALL_STEPS[0]}/",
        f"/ho-so/{application.pk}/{ALL_STEPS[-1]}/",
        "/thong-bao/",
        "/gian-hang-cua-toi/don-hang/",
        "/lo-hang/",
        "/lo-hang/moi/",
    ]


def test_household_screens_pass_axe_in_vietnamese_khmer_and_english(screen, shop):  # noqa: F811
    s = screen(MOBILE)
    problems = {}

    def check(path):
        page = s.goto(path)
        assert page.url.endswith(path), f"{path} led to {page.url}"  # the screen itself, not a login
        language = {"/km": "km", "/en": "en"}.get(path[:3], "vi")
        assert page.evaluate("document.documentElement.lang") == language, path
        if (wider := a11y.overflow(page)) > 0:
            problems[f"{path}: wider than the window by"] = wider
        if violations := a11y.axe_violations(page):
            problems[f"{path}: axe"] = violations

    for prefix in LANGUAGES:  # what a household sees before it has an account
        check(f"{prefix}/dang-ky/")
        check(f"{prefix}/dang-nhap/")
    _login(s, shop["household"])
    for prefix in LANGUAGES:
        for path in household_screens(shop["application"]):
            check(prefix + path)
    assert problems == {}
    assert s.errors == []

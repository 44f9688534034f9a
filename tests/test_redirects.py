"""core.redirects.safe_next: where a form or link may send the reader next."""

import pytest

from core.redirects import safe_next


@pytest.mark.parametrize(
    ("post", "query", "expected"),
    [
        ({"next": "/gio-hang/"}, "", "/gio-hang/"),
        ({}, "next=/km/dang-ky/", "/km/dang-ky/"),
        ({"next": "/thanh-toan/"}, "next=/gio-hang/", "/thanh-toan/"),  # the form's field first
        ({"next": "https://example.com/"}, "", "/fallback/"),
        ({"next": "//example.com/path"}, "", "/fallback/"),
        ({}, "next=javascript:alert(1)", "/fallback/"),
        ({}, "", "/fallback/"),
    ],
)
def test_safe_next_keeps_the_reader_on_this_site(rf, post, query, expected):
    request = rf.post(f"/somewhere/?{query}", post)
    assert safe_next(request, "/fallback/") == expected


def test_an_http_next_is_refused_on_an_https_request(rf):
    request = rf.get("/", {"next": "http://testserver/gio-hang/"}, secure=True)
    assert safe_next(request) == ""
    assert (
        safe_next(rf.get("/", {"next": "https://testserver/gio-hang/"}, secure=True)) == "https://testserver/gio-hang/"
    )

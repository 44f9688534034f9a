"""Content-Security-Policy: the storefront allows only the site's own files."""

import re

import pytest

from tests.factories.catalog import ProductFactory

pytestmark = pytest.mark.django_db


def directives(response):
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


def test_storefront_pages_allow_only_the_sites_own_scripts_and_styles(client):
    product = ProductFactory()
    for url in ("/products/", product.get_absolute_url(), "/stalls/", "/en/products/"):
        response = client.get(url)
        assert response.status_code == 200
        policy = directives(response)
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["object-src"] == "'none'"
        assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_storefront_html_has_no_inline_script_or_style_the_policy_would_block(client):
    product = ProductFactory()
    body = client.get(product.get_absolute_url()).content.decode()
    assert "<style" not in body and " style=" not in body
    # Scripts from the site's own files (src=) are allowed; an inline one is data, never run.
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert inline == ['<script type="application/ld+json">']
    assert re.findall(r'<script src="(/static/[^"]+)" defer>', body), "the search box's suggestions script"


def test_a_404_carries_the_policy_too(client):
    response = client.get("/products/khong-co-san-pham-nay/")
    assert response.status_code == 404
    assert directives(response)["script-src"] == "'self'"


def test_the_admin_keeps_its_own_scripts(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


def test_the_error_page_allows_its_inline_style_only(rf):
    from ocop_market.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert response["Content-Security-Policy"].startswith("default-src 'none'")

"""cms.middleware.CachedSiteMiddleware: a CMS page's Wagtail site, kept until a site changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from tests.factories.cms import home_page

pytestmark = pytest.mark.django_db


def _site_queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response, [q for q in captured.captured_queries if '"wagtailcore_site"' in q["sql"]]


def test_a_cms_page_finds_its_site_without_a_query_once_warm(client, settings):
    settings.STOREFRONT_CACHE_SECONDS = 0  # a render, not a page-cache hit
    home_page(hero_title="Chợ OCOP Cần Thơ")
    for _ in range(2):  # the first visit makes the site settings, which replaces the generation
        client.get("/")
    response, queries = _site_queries(client, "/")
    assert response.status_code == 200 and "Chợ OCOP Cần Thơ" in response.content.decode()
    assert queries == []


def test_a_site_an_administrator_changes_routes_the_next_request(client, settings):
    settings.STOREFRONT_CACHE_SECONDS = 0
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "ocop.example.vn"]
    home_page(hero_title="Chợ OCOP Cần Thơ")
    for _ in range(2):
        assert client.get("/").status_code == 200
    # The site moves to its own domain: this host is no longer served.
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.is_default_site = "ocop.example.vn", False
    site.save()
    assert client.get("/").status_code == 404
    assert client.get("/", HTTP_HOST="ocop.example.vn").status_code == 200


def test_each_request_gets_its_own_site_object(client, settings):
    # Wagtail keeps the root page on the site object: a shared one would carry it across requests.
    settings.STOREFRONT_CACHE_SECONDS = 0
    home_page()
    first = client.get("/").wsgi_request._wagtail_site
    second = client.get("/").wsgi_request._wagtail_site
    assert first == second and first is not second

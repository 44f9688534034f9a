"""Every URL pattern of the storefront, feeds and the producer/catalog/partner admin, as four users.

The patterns are walked from the resolver, so a new URL of these apps is swept as soon
as it exists; a pattern that cannot be filled fails the test (see ``kwargs_for``).
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from feeds.services import partner_create
from tests.cms.test_home import article, article_index
from tests.factories.catalog import OcopCertificateFactory, ProductFactory
from tests.factories.cms import home_page, promotion, promotion_index
from tests.factories.producers import CommuneFactory, OfficerFactory, StallFactory, UserFactory

pytestmark = pytest.mark.django_db

# The admin models swept: their snippet and chooser URLs (not every Wagtail admin page).
SNIPPET_MODELS = {
    "producers_producer",
    "producers_stall",
    "catalog_product",
    "catalog_category",
    "feeds_partner",
    "producers_officerprofile",
}
# Rows that belong to a commune: outside an officer's, farmer's or visitor's scope here.
SCOPED = {"producers_producer", "producers_stall", "catalog_product"}
SNIPPET_NAME = re.compile(r"^wagtailsnippet(?:s|choosers)_(?P<model>[a-z]+_[a-z]+):(?P<view>\w+)$")
# Not swept, and why:
SKIPPED = {
    # Needs a document and a download token / restriction id (Wagtail's own views).
    "wagtaildocs_serve",
    "wagtaildocs_authenticate_with_password",
    "wagtailcore_authenticate_with_password",
    # Wagtail's login form (GET 200 for everyone by design); the admin's login is covered
    # by the redirects asserted below.
    "wagtailcore_login",
    # A POST-only language switch (GET just redirects back).
    "set_language",
}


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), namespace + pattern.name


def swept_patterns():
    """(route, name) of every pattern in the bounded list: all but the admin, plus its snippets."""
    swept = []
    for route, name in walk(get_resolver().url_patterns):
        if name in SKIPPED:
            continue
        if route.startswith("admin/"):
            match = SNIPPET_NAME.match(name)
            if not match or match["model"] not in SNIPPET_MODELS:
                continue
        elif route.startswith("django-admin/"):
            continue  # Django's admin: superusers only, not part of the product
        swept.append((route, name))
    return swept


@pytest.fixture
def world(django_user_model):
    """A published product and stall in a commune none of the test users serves or owns."""
    other_commune = CommuneFactory()
    stall = StallFactory(slug="gian-hang-xa-khac", commune=other_commune, province=other_commune.province)
    product = ProductFactory(producer=stall.producer, name="Bánh pía xã khác", slug="banh-pia-xa-khac")
    OcopCertificateFactory(product=product)
    category = product.category
    partner, _token = partner_create(name="Postmart", slug="postmart", formats=("google", "csv", "json"))
    partner.push_url = "https://partner.example/push"
    partner.save()

    home = home_page()
    index = article_index(home)
    news = article(index, days_ago=1)
    news.tags.add("Cà phê")
    news.save_revision().publish()
    sale = promotion(promotion_index(home), products=[product])

    farmer = UserFactory(username="farmer", groups=["Farmer"])
    own = StallFactory(slug="gian-hang-nong-ho")
    own.producer.owner = farmer
    own.producer.save()
    officer = OfficerFactory(user__username="officer", communes=[CommuneFactory()]).user
    editor = UserFactory(username="editor", groups=["Editor"])
    officer_profile = officer.officer_profile
    return {
        "users": {"anonymous": None, "farmer": farmer, "officer": officer, "editor": editor},
        "objects": {
            "producers_producer": stall.producer,
            "producers_stall": stall,
            "catalog_product": product,
            "catalog_category": category,
            "feeds_partner": partner,
            "producers_officerprofile": officer_profile,
        },
        "product": product,
        "stall": stall,
        "partner": partner,
        "pages": [home, index, news, sale, sale.get_parent()],
        "secret_names": [product.name, stall.name, stall.producer.legal_name],
    }


def urls_for(route, name, world):
    """The URLs to request for one pattern, its converters filled with real objects."""
    snippet = SNIPPET_NAME.match(name)
    if snippet:
        obj = world["objects"][snippet["model"]]
        kwargs = {}
        if "<int:pk>" in route or "<str:pk>" in route:
            kwargs["pk"] = obj.pk
        if "<str:fmt>" in route:
            kwargs["fmt"] = "google"
        url = reverse(name, kwargs=kwargs)
        if snippet["view"] == "chosen_multiple":
            url += f"?id={obj.pk}"
        return [url]
    if name == "wagtail_serve":
        return [page.url for page in world["pages"]]
    fills = {
        "catalog:product-detail": {"slug": world["product"].slug},
        "catalog:stall-detail": {"slug": world["stall"].slug},
        "feeds:schema": {"name": "products-v1.schema.json"},
        "feeds:feed": {"partner_slug": world["partner"].slug, "file_name": "google.xml"},
        "sitemap-section": {"section": "products-vi"},
    }
    url = reverse(name, kwargs=fills.get(name, {}))
    assert "<" not in route or name in fills, f"fill the converters of {route} ({name})"
    return [url]


def is_login_redirect(response):
    return response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["anonymous", "farmer", "officer", "editor"])
def test_url_sweep(client, world, who):
    user = world["users"][who]
    if user is not None:
        client.force_login(user)
    seen = []
    for route, name in swept_patterns():
        snippet = SNIPPET_NAME.match(name)
        for url in urls_for(route, name, world):
            # A 500 raises in the test client; the status check is the belt to those braces.
            response = client.get(url)
            status = response.status_code
            seen.append((url, status))
            assert status < 500, (who, url, status)
            if not route.startswith("admin/"):
                if name == "feeds:feed":
                    assert status == 401, (who, url, status)  # the partner's token is required
                else:
                    assert status == 200, (who, url, status)
                continue
            if who in ("anonymous", "farmer"):
                # No admin access at all: every admin URL sends them to the login page.
                assert is_login_redirect(response), (who, url, status)
            elif who == "officer":
                model = snippet["model"]
                if model in SCOPED and ("<int:pk>" in route or "<str:pk>" in route):
                    assert status in (302, 404), (who, url, status)
                elif model in SCOPED and status == 200:
                    # Lists and choosers (chosen-multiple too) answer, without the other commune's rows.
                    body = response.content.decode()
                    for secret in world["secret_names"]:
                        assert secret not in body, (who, url, secret)
                elif model in ("feeds_partner", "producers_officerprofile") and (
                    model == "feeds_partner" or name.startswith("wagtailsnippetchoosers_")
                ):
                    # Partners are the editors' business, admin pages and chooser alike; the
                    # officers list is not an officer's either (Wagtail's own snippet choosers
                    # check no model permission: ours ask for view or change).
                    assert status in (302, 403), (who, url, status)
            elif who == "editor" and snippet["model"] in SCOPED and snippet["view"] in ("edit", "inspect"):
                assert status == 200, (who, url, status)
    # The sweep really covered the storefront, the feeds and the admin snippets.
    urls = {url for url, _status in seen}
    assert "/products/" in urls and "/robots.txt" in urls and "/sitemap.xml" in urls
    assert reverse("wagtailsnippets_catalog_product:edit", args=[world["product"].pk]) in urls
    assert len(seen) > 80

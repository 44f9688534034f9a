"""Every URL pattern of the storefront, feeds and the producer/catalog/partner admin, as four users.

The patterns are walked from the resolver, so a new URL of these apps is swept as soon
as it exists; a pattern that cannot be filled fails the test (see ``kwargs_for``).
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core import roles
from feeds.services import partner_create
from onboarding.receipt import status_token
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
    # Sends the reader on to ``next`` (GET 302 for everyone by design).
    "former-language-switch",
}


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), namespace + pattern.name


# The pages of households, officers, stall owners and buyers: swept by test_app_url_sweep,
# which expects logins and private objects rather than a public 200 everywhere.
APP_NAMESPACES = ("onboarding:", "orders:", "payments:", "traceability:", "reviews:")


def swept_patterns(apps=False):
    """(route, name) of every pattern in the bounded list: all but the admin, plus its snippets.

    With ``apps``, the patterns of APP_NAMESPACES instead.
    """
    swept = []
    for route, name in walk(get_resolver().url_patterns):
        if name.startswith(APP_NAMESPACES) != apps:
            continue
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

    farmer = UserFactory(username="farmer", groups=[roles.FARMER])
    own = StallFactory(slug="gian-hang-nong-ho")
    own.producer.owner = farmer
    own.producer.save()
    officer = OfficerFactory(user__username="officer", communes=[CommuneFactory()]).user
    editor = UserFactory(username="editor", groups=[roles.EDITOR])
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


# --- households, officers, stall owners, buyers --------------------------------------------

# Pages anyone may open (a login form, a cart, an order's private link ...); every other app
# page asks an anonymous visitor to log in.
PUBLIC = {
    "onboarding:login",
    "onboarding:logout",
    "onboarding:register",
    "onboarding:set-password",
    "orders:cart",
    "orders:checkout",
    "orders:lookup",
    "orders:account-sign-in",
    "orders:detail",
    "orders:pay-card",
    "orders:pay-vietqr",
    "reviews:write",
    "onboarding:status",
    "payments:stripe-webhook",
    "payments:sepay-webhook",
    "traceability:trace",
    "traceability:digital-link",
}
# Capability URLs: the order's unguessable token is the permission (the buyer needs no
# account), so whoever holds the link sees the order; the same for the signed status link an
# officer prints on a household's receipt.
BY_TOKEN = {"orders:detail", "orders:pay-card", "orders:pay-vietqr", "reviews:write", "onboarding:status"}
# Signed by the payment provider (or authenticated by the bank service's key); a GET is not allowed at all.
POST_ONLY_PUBLIC = {"payments:stripe-webhook", "payments:sepay-webhook"}
# A buyer's sign-out and address removal: POST only (with CSRF), whoever asks.
POST_ONLY_PUBLIC |= {"orders:account-sign-out", "orders:account-address-delete"}


@pytest.fixture
def private_world(world):
    """An application of another household and an order of another stall, with names to look for."""
    from onboarding.models import Notification
    from tests.factories.onboarding import ApplicationFactory, ApplicationProductFactory
    from tests.factories.orders import OrderFactory

    stall = world["stall"]
    application = ApplicationFactory(
        commune=stall.commune,
        legal_name="Hộ bà Hồ Thị Kín Đáo",
        stall_name="Gian hàng Bí Mật Ven Sông",
    )
    ApplicationProductFactory(application=application, name="Mứt gừng riêng tư")
    from tests.factories.traceability import published_batch

    batch = published_batch(product=world["product"], gtin="8935049500018")
    notification = Notification.objects.create(
        user=application.household, application=application, title="Hồ sơ của bạn", body="Riêng tư", url="/"
    )
    order = OrderFactory(buyer_name="Người Mua Giấu Tên", buyer_phone="+84987654321", items=[(world["product"], 1)])
    return {
        **world,
        "application": application,
        "notification": notification,
        "order": order,
        "group": order.groups.get(),
        "batch": batch,
        "private_names": [
            "Hồ Thị Kín Đáo",
            "Bí Mật Ven Sông",
            "Mứt gừng riêng tư",
            "Người Mua Giấu Tên",
            "0987 654 321",
        ],
    }


def app_urls_for(route, name, world):
    app, order, group, batch = world["application"], world["order"], world["group"], world["batch"]
    month = order.created_at.strftime("%Y-%m")
    fills = {
        "onboarding:set-password": {"token": "MQ-khong-hop-le"},
        "onboarding:detail": {"pk": app.pk},
        "onboarding:submit": {"pk": app.pk},
        "onboarding:withdraw": {"pk": app.pk},
        "onboarding:step": {"pk": app.pk, "step": "stall"},
        "onboarding:bulk": {"pk": app.pk},
        "onboarding:bulk-producer": {"producer_pk": world["stall"].producer.pk},
        "onboarding:bulk-template": {"fmt": "csv"},
        "onboarding:notification-open": {"pk": world["notification"].pk},
        "onboarding:status": {"token": status_token(app)},
        "orders:detail": {"token": order.access_token},
        "orders:pay-card": {"token": order.access_token},
        "orders:pay-vietqr": {"token": order.access_token},
        "orders:stall-order": {"pk": group.pk},
        "orders:group-action": {"pk": group.pk},
        "orders:packing-slip": {"pk": group.pk},
        "orders:statement": {"stall_pk": world["stall"].pk, "month": month},
        "orders:tax-export": {"month": month},
        "orders:payment-manage": {"number": order.number},
        "orders:mark-received": {"number": order.number},
        "orders:refund": {"number": order.number},
        "orders:refund-sent": {"number": order.number, "refund_pk": 1},
        "orders:line-batch": {"pk": group.pk, "line_pk": group.lines.first().pk},
        "orders:account-address-delete": {"pk": 1},
        "reviews:write": {"token": order.access_token, "line_pk": group.lines.first().pk},
        "reviews:moderate": {"pk": 1},
        "reviews:reply": {"pk": 1},
        "traceability:trace": {"code": batch.trace_code},
        "traceability:digital-link": {"gtin": "08935049500018", "code": batch.trace_code},
        "traceability:batch": {"pk": batch.pk},
        "traceability:event-add": {"pk": batch.pk},
        "traceability:event-delete": {"pk": batch.pk, "event_pk": batch.events.first().pk},
        "traceability:publish": {"pk": batch.pk},
        "traceability:stamps": {"pk": batch.pk},
        "traceability:payment-sign": {"stall_pk": world["stall"].pk},
        "traceability:payment-qr-choice": {"stall_pk": world["stall"].pk},
    }
    if "<int:pk>" in route and name.startswith("onboarding:") and name not in fills:
        fills[name] = {"pk": app.pk}  # the officer's actions on the application
    assert "<" not in route or name in fills, f"fill the converters of {route} ({name})"
    return [reverse(name, kwargs=fills.get(name, {}))]


def is_any_login_redirect(response):
    location = response.get("Location", "")
    return response.status_code == 302 and ("/login/" in location or "/dang-nhap/" in location)


@pytest.mark.parametrize("who", ["anonymous", "farmer", "officer", "editor"])
def test_app_url_sweep(client, private_world, who):
    """No 500 anywhere; anonymous visitors are sent to log in; nobody but an editor (or the holder
    of an order's link) sees another household's application or another stall's order."""
    world = private_world
    user = world["users"][who]
    if user is not None:
        client.force_login(user)
    seen = []
    for route, name in swept_patterns(apps=True):
        for url in app_urls_for(route, name, world):
            response = client.get(url)
            status = response.status_code
            seen.append((name, status))
            assert status < 500, (who, url, status)
            if name in POST_ONLY_PUBLIC:
                assert status == 405, (who, url, status)
                continue
            if who == "anonymous" and name not in PUBLIC:
                assert is_any_login_redirect(response), (who, url, status)
                continue
            if status == 200 and who != "editor" and name not in BY_TOKEN:
                body = response.content.decode()
                for secret in world["private_names"]:
                    assert secret not in body, (who, url, secret)
    names = {name for name, _status in seen}
    assert {"onboarding:detail", "onboarding:queue", "orders:cart", "orders:stall-order"} <= names
    if who in ("farmer", "officer"):
        # Guessing another household's application or another stall's order: 404 (or 403/405).
        by_name = dict(seen)
        for name in (
            "onboarding:detail",
            "onboarding:step",
            "orders:stall-order",
            "orders:packing-slip",
            "traceability:batch",
            "traceability:stamps",
            "traceability:payment-sign",
        ):
            assert by_name[name] in (403, 404), (who, name, by_name[name])


# --- Wagtail's bulk actions and admin API ------------------------------------------------


@pytest.fixture
def admin_world(world):
    """The sweep's world plus an application photo, a document, a page and an account of another commune."""
    from wagtail.documents import get_document_model
    from wagtail.models import Page

    from tests.factories.onboarding import ApplicationFactory, ApplicationPhotoFactory, ApplicationProductFactory

    stall = world["stall"]
    application = ApplicationFactory(commune=stall.commune)
    photo = ApplicationPhotoFactory(
        product=ApplicationProductFactory(application=application), image__title="Ảnh hồ sơ xã khác"
    )
    document = get_document_model().objects.create(title="Biên bản xã khác", file="documents/bien-ban.pdf")
    objects = {
        **world["objects"],
        "wagtailimages_image": photo.image,
        "wagtaildocs_document": document,
        "wagtailcore_page": Page.objects.get(pk=world["pages"][2].pk),
        "auth_user": world["users"]["editor"],
        "orders_order": None,
    }
    from tests.factories.orders import OrderFactory

    objects["orders_order"] = OrderFactory(buyer_name="Người Mua Xã Khác", items=[(world["product"], 1)])
    from catalog.models import SearchSynonym

    objects["catalog_searchsynonym"] = SearchSynonym.objects.order_by("pk").first()  # seeded by a migration
    return {
        **world,
        "objects": objects,
        "secret_names": [*world["secret_names"], "Ảnh hồ sơ xã khác", "Biên bản xã khác", "Người Mua Xã Khác"],
    }


def bulk_action_urls(objects):
    """(model key, URL) of every registered bulk action, for one object and for "all"."""
    from wagtail.admin.views.bulk_action.registry import bulk_action_registry

    bulk_action_registry._scan_for_bulk_actions()
    urls = []
    for app_label, models in bulk_action_registry.actions.items():
        for model_name, actions in models.items():
            key = f"{app_label}_{model_name}"
            assert key in objects, f"give the sweep an object of {key}"
            for action in actions:
                base = reverse("wagtail_bulk_action", args=[app_label, model_name, action])
                urls.append((key, f"{base}?id={objects[key].pk}"))
                urls.append((key, f"{base}?id=all"))
    return urls


def admin_api_urls(objects):
    image = objects["wagtailimages_image"]
    return [
        ("wagtailimages_image", f"/admin/api/main/images/{image.pk}/"),
        ("wagtailimages_image", "/admin/api/main/images/"),
        ("wagtailimages_image", f"/admin/api/main/images/?search={image.title}"),
        ("wagtailimages_image", f"/admin/images/{image.pk}/"),
        ("wagtailimages_image", "/admin/images/chooser/"),
        ("wagtailimages_image", f"/admin/images/chooser/{image.pk}/"),
        ("wagtaildocs_document", f"/admin/api/main/documents/{objects['wagtaildocs_document'].pk}/"),
        ("wagtaildocs_document", "/admin/documents/chooser/"),
        ("wagtailcore_page", f"/admin/api/main/pages/{objects['wagtailcore_page'].pk}/"),
    ]


# Another commune's rows, files and the admin's accounts: never named to an officer.
OFFICER_404 = SCOPED | {"wagtailimages_image", "wagtaildocs_document", "auth_user", "orders_order", "feeds_partner"}


@pytest.mark.parametrize("who", ["officer", "editor"])
def test_bulk_action_and_admin_api_sweep(client, admin_world, who):
    """Every bulk action URL and the admin API: an officer of another commune gets a 404 (or a
    redirect/403 where Wagtail refuses first) and never a name of the other commune."""
    world = admin_world
    client.force_login(world["users"][who])
    seen = []
    for key, url in bulk_action_urls(world["objects"]) + admin_api_urls(world["objects"]):
        response = client.get(url)
        status = response.status_code
        seen.append((key, url, status))
        assert status < 500, (who, url, status)
        if who != "officer":
            continue
        body = response.content.decode()
        for secret in world["secret_names"]:
            assert secret not in body, (who, url, secret)
        if "/bulk/" in url and key in OFFICER_404:
            assert status == 404, (who, url, status)
    by_url = {url: status for _key, url, status in seen}
    image = world["objects"]["wagtailimages_image"]
    if who == "officer":
        assert by_url[f"/admin/api/main/images/{image.pk}/"] == 404
        assert by_url[f"/admin/api/main/documents/{world['objects']['wagtaildocs_document'].pk}/"] == 404
    else:
        # The editor manages every commune's listings: the bulk confirmation names them.
        product = world["objects"]["catalog_product"]
        response = client.get(
            reverse("wagtail_bulk_action", args=["catalog", "product", "delete"]) + f"?id={product.pk}"
        )
        assert response.status_code == 200 and product.name in response.content.decode()
    # 21 bulk actions, each tried for one object and for "all".
    assert len([url for _key, url, _status in seen if "/bulk/" in url]) == 2 * 21

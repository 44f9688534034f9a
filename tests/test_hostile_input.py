"""Input no page could use is refused before a view or the database sees it: 404 for paths, 400 otherwise."""

import pytest
from django.test import Client

from tests.factories.producers import StallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "path",
    [
        "/don-hang/%00/",
        "/products/a%00b/",
        "/stalls/%ff%fe/",
        "/don-hang/%c3%28/the/",
        "/feeds/schema/" + "x" * 3000,
        "/products/" + "a" * 256 + "/",
        "/admin/snippets/catalog/product/edit/99999999999999999999999/",
        "/admin/snippets/choose/catalog/product/chosen/0001-01-01/",
    ],
)
def test_hostile_paths_are_not_found(client, path, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)

    response = client.get(path)

    assert response.status_code == 404


@pytest.mark.parametrize(
    "query",
    ["province=%00", "q=%ff%fe", "q=a%00b", "page=%c3%28", "%00=1", "id=99999999999999999999999"],
)
def test_hostile_query_strings_are_bad_requests_with_a_vietnamese_page(client, query):
    StallFactory()

    response = client.get(f"/stalls/?{query}")

    assert response.status_code == 400
    assert "Không đọc được yêu cầu" in response.content.decode()


def test_hostile_forms_are_bad_requests(client):
    body = "number=DH000001&phone=%00"
    assert client.post("/tra-cuu-don-hang/", body, content_type="application/x-www-form-urlencoded").status_code == 400
    assert (
        client.post("/tra-cuu-don-hang/", {"number": "DH\x00", "phone": "0912345678"}).status_code == 400
    )  # multipart
    body = "number=%ff&phone=0912345678"
    assert client.post("/tra-cuu-don-hang/", body, content_type="application/x-www-form-urlencoded").status_code == 400


def test_ordinary_vietnamese_input_passes(client):
    StallFactory()
    assert client.get("/stalls/?q=b%C3%A1nh+p%C3%ADa&page=1").status_code == 200
    assert client.get("/products/?q=" + "a" * 300).status_code == 200  # long values are fine in a query
    body = "number=DH000001&phone=0912+345+678"
    response = client.post("/tra-cuu-don-hang/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200


def test_a_long_segment_is_refused_but_a_long_slug_within_the_limit_is_looked_up(client):
    assert client.get("/feeds/schema/" + "x" * 255).status_code == 404  # no such file, no error
    assert client.get("/feeds/schema/" + "x" * 3000).status_code == 404


def test_admin_forms_posted_without_their_fields_do_not_fail(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)
    # Wagtail's redirect import, and a chooser without a creation form.
    assert client.post("/admin/redirects/import/process/", {"q": "a"}).status_code == 400
    # Refused as Wagtail refuses (a redirect to the dashboard with a message), not a 500.
    assert client.post("/admin/snippets/choose/feeds/partner/create/", {"q": "a"}).status_code in (302, 403)
    # The link chooser without its URL field: the form says the URL is needed.
    response = client.post("/admin/choose-external-link/", {})
    assert response.status_code == 200 and "url" in response.json()["html"]

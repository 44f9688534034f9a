import datetime
import gzip

import pytest
from django.utils import timezone
from django.utils.http import http_date

from catalog.models import Product
from feeds.models import FeedRun, Partner
from feeds.services import partner_rotate_token
from producers.models import Stall

from .helpers import google_items, json_doc

pytestmark = pytest.mark.django_db

URL = "/feeds/postmart/google.xml"


@pytest.fixture
def setup(make_product, stall, partner_with_token):
    product = make_product(stall=stall, name="Bánh pía Sóc Trăng")
    partner, token = partner_with_token(producers=[stall.producer], formats=("google", "json"))
    return partner, token, product


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_missing_or_wrong_token_is_401_and_leaks_nothing(client, setup, header):
    partner, _token, product = setup
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get(URL, **extra)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.content.decode()
    for secret in (product.name, product.slug, partner.name, "<rss", "ETag"):
        assert secret not in body
    assert "ETag" not in response and "Last-Modified" not in response
    assert not FeedRun.objects.exists()


def test_rotated_token_replaces_the_old_one(client, setup):
    partner, old, product = setup
    assert client.get(URL, **auth(old)).status_code == 200

    new = partner_rotate_token(partner=partner)

    assert client.get(URL, **auth(old)).status_code == 401
    response = client.get(URL, **auth(new))
    assert response.status_code == 200
    assert str(product.pk) in google_items(body_of(response))


def test_token_in_the_query_string(client, setup):
    _partner, token, _product = setup
    assert client.get(f"{URL}?token={token}").status_code == 200
    assert client.get(f"{URL}?token=nope").status_code == 401


def backdate(hours=2):
    """What the setup created happened a while ago (Last-Modified is sent once its second is over)."""
    past = timezone.now() - datetime.timedelta(hours=hours)
    Product.objects.update(feed_changed_at=past)
    Partner.objects.update(updated_at=past)


def test_unknown_or_inactive_partner_gets_the_same_401_as_a_wrong_token(client, setup):
    """Partner names cannot be enumerated: nobody, an inactive partner and a wrong token look alike."""
    partner, token, _product = setup
    wrong = client.get(URL, **auth("nope"))
    unknown = client.get("/feeds/nobody/google.xml", **auth(token))
    assert (unknown.status_code, unknown.content, unknown["WWW-Authenticate"]) == (
        401,
        wrong.content,
        wrong["WWW-Authenticate"],
    )
    assert unknown["Content-Type"] == wrong["Content-Type"] == "text/plain; charset=utf-8"
    assert client.get("/feeds/postmart/products.csv", **auth(token)).status_code == 404  # format not taken
    partner.active = False
    partner.save()
    inactive = client.get(URL, **auth(token))
    assert (inactive.status_code, inactive.content) == (401, wrong.content)


def test_pull_is_streamed_and_logged(client, setup):
    partner, token, product = setup
    response = client.get(URL, **auth(token))

    assert response.streaming
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    body = body_of(response)
    run = FeedRun.objects.get()
    assert (run.partner, run.format, run.trigger, run.status) == (partner, "google", "pull", "succeeded")
    assert (run.items, run.bytes) == (1, len(body))
    assert run.finished_at is not None


def test_etag_and_last_modified_answer_304_until_something_changes(client, setup):
    _partner, token, product = setup
    backdate()
    first = client.get(URL, **auth(token))
    body_of(first)
    etag, last_modified = first["ETag"], first["Last-Modified"]

    assert client.get(URL, HTTP_IF_NONE_MATCH=etag, **auth(token)).status_code == 304
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=last_modified, **auth(token)).status_code == 304
    assert FeedRun.objects.count() == 1  # a 304 generates nothing

    product.price = 99000
    product.save()

    changed = client.get(URL, HTTP_IF_NONE_MATCH=etag, **auth(token))
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "99000 VND" in body_of(changed).decode()
    later = http_date((timezone.now() - datetime.timedelta(hours=1)).timestamp())
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=later, **auth(token)).status_code == 200


def test_gzip_when_the_client_accepts_it(client, setup):
    _partner, token, _product = setup
    plain = body_of(client.get(URL, **auth(token)))

    response = client.get(URL, HTTP_ACCEPT_ENCODING="gzip, deflate", **auth(token))

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    unzipped = gzip.decompress(body_of(response))
    # Same feed apart from the build time in the header.
    assert unzipped.split(b"</lastBuildDate>")[1] == plain.split(b"</lastBuildDate>")[1]


def test_since_returns_changes_and_deletions(client, make_product, stall, setup):
    partner, token, unchanged = setup
    archived = make_product(stall=stall, name="Sẽ lưu trữ")
    deleted = make_product(stall=stall, name="Sẽ xoá")
    changed = make_product(stall=stall, name="Sẽ đổi giá")
    past = timezone.now() - datetime.timedelta(days=2)
    Product.objects.update(updated_at=past, feed_changed_at=past)
    Stall.objects.update(updated_at=past)
    since = timezone.now() - datetime.timedelta(hours=1)

    changed.price = 120000
    changed.save()
    archived.status = Product.Status.ARCHIVED
    archived.save()
    deleted_pk = deleted.pk
    deleted.images.all().delete()
    deleted.delete()

    response = client.get(URL, {"since": since.isoformat()}, **auth(token))
    assert response.status_code == 200
    items = google_items(body_of(response))
    assert set(items) == {str(changed.pk), str(archived.pk), str(deleted_pk)}
    assert items[str(changed.pk)]["price"] == "120000 VND"
    assert items[str(archived.pk)]["deleted"] == "true"
    assert items[str(deleted_pk)]["deleted"] == "true"
    assert "deleted" not in items[str(changed.pk)]

    doc = json_doc(body_of(client.get("/feeds/postmart/products.json", {"since": since.isoformat()}, **auth(token))))
    assert {(i["id"], i["deleted"]) for i in doc["items"]} == {
        (str(changed.pk), False),
        (str(archived.pk), True),
        (str(deleted_pk), True),
    }
    assert doc["since"] is not None


def test_since_must_be_a_date_or_time(client, setup):
    _partner, token, _product = setup
    assert client.get(URL, {"since": "yesterday"}, **auth(token)).status_code == 400
    assert client.get(URL, {"since": "2025-07-01"}, **auth(token)).status_code == 200

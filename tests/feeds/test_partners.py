import datetime
from unittest import mock

import pytest
from django.utils import timezone

from catalog.models import OcopCertificate
from core import roles
from feeds.models import Partner, hash_token
from feeds.services import partner_rotate_token
from tests.factories.catalog import CategoryFactory, OcopCertificateFactory
from tests.factories.producers import ProvinceFactory, StallFactory, UserFactory

from .helpers import generate, google_items

pytestmark = pytest.mark.django_db


def ids_in_feed(partner) -> set[int]:
    return {int(pk) for pk in google_items(generate(partner, "google")[0])}


def test_only_producers_who_opted_in_are_listed(make_product, partner_with_token):
    agreed, other = StallFactory(), StallFactory()
    listed = make_product(stall=agreed)
    make_product(stall=other)
    partner, _ = partner_with_token(producers=[agreed.producer])

    assert ids_in_feed(partner) == {listed.pk}


def test_categories_include_their_subcategories(make_product, partner_with_token):
    food = CategoryFactory(name="Thực phẩm")
    cakes = CategoryFactory(name="Bánh", parent=food)
    drinks = CategoryFactory(name="Đồ uống")
    stall = StallFactory()
    in_parent, in_child = make_product(stall=stall, category=food), make_product(stall=stall, category=cakes)
    make_product(stall=stall, category=drinks)
    partner, _ = partner_with_token(producers=[stall.producer])
    partner.categories.set([food])

    assert ids_in_feed(partner) == {in_parent.pk, in_child.pk}


def test_provinces_filter_on_the_stall(make_product, partner_with_token):
    north, south = ProvinceFactory(), ProvinceFactory()
    here, there = StallFactory(province=north), StallFactory(province=south)
    listed = make_product(stall=here)
    make_product(stall=there)
    partner, _ = partner_with_token(producers=[here.producer, there.producer])
    partner.provinces.set([north])

    assert ids_in_feed(partner) == {listed.pk}


def test_min_stars_counts_active_unexpired_certificates_only(make_product, partner_with_token):
    stall = StallFactory()
    five = make_product(stall=stall)
    OcopCertificateFactory(product=five, stars=5)
    three = make_product(stall=stall)
    OcopCertificateFactory(product=three, stars=3)
    revoked = make_product(stall=stall)
    OcopCertificateFactory(product=revoked, stars=5, status=OcopCertificate.Status.REVOKED)
    expired = make_product(stall=stall)
    OcopCertificateFactory(product=expired, stars=5, expires_on=timezone.localdate() - datetime.timedelta(days=1))
    make_product(stall=stall)  # no certificate
    partner, _ = partner_with_token(producers=[stall.producer], min_stars=4)

    assert ids_in_feed(partner) == {five.pk}


def test_unpublished_products_and_stalls_are_not_listed(make_product, partner_with_token):
    stall, hidden_stall = StallFactory(), StallFactory(is_published=False)
    listed = make_product(stall=stall)
    make_product(stall=stall, status="draft")
    make_product(stall=hidden_stall)
    partner, _ = partner_with_token(producers=[stall.producer, hidden_stall.producer])

    assert ids_in_feed(partner) == {listed.pk}


def test_token_is_stored_hashed_and_rotation_invalidates_the_old_one(partner_with_token):
    partner, token = partner_with_token()
    stored = Partner.objects.get()
    assert token not in stored.token_hash and stored.token_hash == hash_token(token)
    assert stored.check_token(token) and not stored.check_token("x" + token)

    new = partner_rotate_token(partner=stored)

    stored.refresh_from_db()
    assert new != token and stored.check_token(new) and not stored.check_token(token)


# --- Admin ------------------------------------------------------------------------


@pytest.fixture
def editor_client(client):
    client.force_login(UserFactory(groups=[roles.EDITOR]))
    return client


def test_editor_lists_partners_and_sees_recent_runs(editor_client, make_product, partner_with_token):
    stall = StallFactory()
    make_product(stall=stall, name="Mứt gừng")
    make_product(stall=stall, name="Không ảnh", with_image=False)
    partner, _ = partner_with_token(producers=[stall.producer])
    generate(partner, "google")

    assert "Postmart" in editor_client.get("/admin/snippets/feeds/partner/").content.decode()
    page = editor_client.get(f"/admin/snippets/feeds/partner/edit/{partner.pk}/").content.decode()
    assert "Các lượt chạy gần đây" in page  # "Recent runs", in the admin's Vietnamese
    assert "Không ảnh" in page  # the excluded product, with its reason


def test_creating_a_partner_shows_its_token_once(editor_client):
    response = editor_client.post(
        "/admin/snippets/feeds/partner/add/",
        {
            "name": "Voso",
            "slug": "voso",
            "active": "on",
            "format_google": "on",
            "min_stars": "0",
            "category_mappings-TOTAL_FORMS": "0",
            "category_mappings-INITIAL_FORMS": "0",
            "opt_ins-TOTAL_FORMS": "0",
            "opt_ins-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200, response.content[:2000]
    partner = Partner.objects.get(slug="voso")
    token = response.context["token"]
    assert token in response.content.decode()
    assert partner.check_token(token)


def test_rotate_token_from_the_admin(editor_client, partner_with_token):
    partner, old = partner_with_token()
    url = f"/admin/snippets/feeds/partner/rotate-token/{partner.pk}/"
    assert editor_client.get(url).status_code == 200
    assert Partner.objects.get().check_token(old)  # a GET changes nothing

    response = editor_client.post(url)

    new = response.context["token"]
    partner.refresh_from_db()
    assert partner.check_token(new) and not partner.check_token(old)


def test_push_now_enqueues_the_push_task(editor_client, partner_with_token):
    partner, _ = partner_with_token(push_url="https://partner.example/feeds")
    with mock.patch("core.tasks.enqueue") as enqueue, mock.patch("feeds.tasks.push_partner_feed") as task:
        response = editor_client.post(f"/admin/snippets/feeds/partner/push/{partner.pk}/google/")
    assert response.status_code == 302
    enqueue.assert_called_once_with(task, partner.pk, "google")


def test_officers_cannot_manage_partners(client, partner_with_token):
    partner, _ = partner_with_token()
    client.force_login(UserFactory(groups=[roles.OFFICER]))
    assert client.get(f"/admin/snippets/feeds/partner/rotate-token/{partner.pk}/").status_code in (302, 403)
    assert client.get("/admin/snippets/feeds/partner/").status_code in (302, 403)

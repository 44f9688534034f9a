"""Who may reach the admin, and which producers and stalls each role sees there."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from wagtail.permissions import policy_registry
from wagtail.test.utils.form_data import querydict_from_html

from core import roles
from producers.models import Producer, Stall
from tests.factories.producers import (
    CommuneFactory,
    OfficerFactory,
    ProducerFactory,
    StallFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PRODUCER = "wagtailsnippets_producers_producer"
STALL = "wagtailsnippets_producers_stall"
OFFICER = "wagtailsnippets_producers_officerprofile"


@pytest.fixture
def other_commune():
    return CommuneFactory()


@pytest.fixture
def own_stall(commune):
    return StallFactory(province=commune.province, commune=commune, name="Gian hàng Trong Xã")


@pytest.fixture
def foreign_stall(other_commune):
    return StallFactory(province=other_commune.province, commune=other_commune, name="Gian hàng Xã Khác")


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_anonymous_cannot_open_a_listing(client, own_stall):
    response = client.get(reverse(f"{STALL}:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_farmer_cannot_enter_admin(client, own_stall):
    farmer = UserFactory(groups=[roles.FARMER])
    own_stall.producer.owner = farmer
    own_stall.producer.save()
    client.force_login(farmer)
    for url in (
        reverse("wagtailadmin_home"),
        reverse(f"{PRODUCER}:list"),
        reverse(f"{PRODUCER}:edit", args=[own_stall.producer.pk]),
        reverse(f"{STALL}:edit", args=[own_stall.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_editor_lists_and_edits_every_producer(client, editor, own_stall, foreign_stall):
    client.force_login(editor)
    response = client.get(reverse(f"{PRODUCER}:list"))
    assert response.status_code == 200
    assert own_stall.producer.legal_name in response.text
    assert foreign_stall.producer.legal_name in response.text
    assert client.get(reverse(f"{PRODUCER}:edit", args=[foreign_stall.producer.pk])).status_code == 200


def test_superuser_edits_every_stall(client, foreign_stall):
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse(f"{STALL}:edit", args=[foreign_stall.pk])).status_code == 200


def test_officer_lists_only_producers_they_serve(client, officer, own_stall, foreign_stall):
    assisted = ProducerFactory(legal_name="Hợp tác xã Được Giao", officer=officer)
    StallFactory(producer=assisted)  # a stall outside the officer's communes
    no_stall = ProducerFactory(legal_name="Hộ Chưa Có Gian Hàng")
    client.force_login(officer)
    response = client.get(reverse(f"{PRODUCER}:list"))
    assert response.status_code == 200
    assert own_stall.producer.legal_name in response.text
    assert assisted.legal_name in response.text
    assert foreign_stall.producer.legal_name not in response.text
    assert no_stall.legal_name not in response.text


@pytest.mark.parametrize("action", ["edit", "inspect", "history", "usage"])
def test_officer_gets_404_on_a_foreign_producer(client, officer, foreign_stall, action):
    client.force_login(officer)
    response = client.get(reverse(f"{PRODUCER}:{action}", args=[foreign_stall.producer.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("action", ["edit", "inspect", "history", "usage"])
def test_officer_gets_404_on_a_foreign_stall(client, officer, foreign_stall, action):
    client.force_login(officer)
    response = client.get(reverse(f"{STALL}:{action}", args=[foreign_stall.pk]))
    assert response.status_code == 404


def test_officer_cannot_post_to_a_foreign_stall(client, officer, foreign_stall):
    client.force_login(officer)
    response = client.post(reverse(f"{STALL}:edit", args=[foreign_stall.pk]), {"name": "Đổi tên"})
    assert response.status_code == 404
    foreign_stall.refresh_from_db()
    assert foreign_stall.name == "Gian hàng Xã Khác"


def test_officer_edits_a_stall_in_their_commune(client, officer, own_stall):
    client.force_login(officer)
    url = reverse(f"{STALL}:edit", args=[own_stall.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.text, form_id="w-editor-form")
    data["name"] = "Gian hàng Đổi Tên"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    own_stall.refresh_from_db()
    assert own_stall.name == "Gian hàng Đổi Tên"


def test_officer_edits_a_producer_in_their_commune(client, officer, own_stall):
    client.force_login(officer)
    url = reverse(f"{PRODUCER}:edit", args=[own_stall.producer.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.text, form_id="w-editor-form")
    data["representative"] = "Trần Thị Bình"
    response = client.post(url, data)
    assert response.status_code == 302
    own_stall.producer.refresh_from_db()
    assert own_stall.producer.representative == "Trần Thị Bình"


def test_officer_lists_only_stalls_of_their_communes(client, officer, own_stall, foreign_stall):
    client.force_login(officer)
    response = client.get(reverse(f"{STALL}:list"))
    assert response.status_code == 200
    assert own_stall.name in response.text
    assert foreign_stall.name not in response.text


def test_officer_cannot_open_a_stall_for_a_foreign_producer(client, officer, commune, foreign_stall):
    foreign_stall_pk, foreign_producer = foreign_stall.pk, foreign_stall.producer
    Stall.objects.filter(pk=foreign_stall_pk).delete()  # the foreign producer has no stall now
    client.force_login(officer)
    response = client.post(
        reverse(f"{STALL}:add"),
        {
            "producer": foreign_producer.pk,
            "name": "Gian hàng Chiếm Chỗ",
            "province": commune.province_id,
            "commune": commune.pk,
        },
    )
    assert response.status_code == 200
    assert "producer" in response.context["form"].errors
    assert not Stall.objects.filter(producer=foreign_producer).exists()


def test_producer_chooser_shows_an_officer_only_their_producers(client, officer, own_stall, foreign_stall):
    client.force_login(officer)
    response = client.get(reverse("wagtailsnippetchoosers_producers_producer:choose"))
    assert response.status_code == 200
    html = response.json()["html"]
    assert own_stall.producer.legal_name in html
    assert foreign_stall.producer.legal_name not in html
    chosen = "wagtailsnippetchoosers_producers_producer:chosen"
    assert client.get(reverse(chosen, args=[own_stall.producer.pk])).status_code == 200
    assert client.get(reverse(chosen, args=[foreign_stall.producer.pk])).status_code == 404


def test_producer_chooser_searches_by_tax_code(client, editor, own_stall):
    enterprise = ProducerFactory(legal_name="Công ty Cổ phần Trà Xanh", tax_code="0312345678", personal_id="")
    client.force_login(editor)
    response = client.get(reverse("wagtailsnippetchoosers_producers_producer:choose_results"), {"q": "0312345678"})
    assert response.status_code == 200
    assert enterprise.legal_name in response.text
    assert own_stall.producer.legal_name not in response.text


def test_producer_list_filters_and_search(client, editor):
    coop = ProducerFactory(legal_name="Hợp tác xã Mật Ong", kind=Producer.Kind.COOPERATIVE, tax_code="0301234567")
    household = ProducerFactory(legal_name="Hộ Bà Năm", verification=Producer.Verification.PENDING)
    client.force_login(editor)
    url = reverse(f"{PRODUCER}:list")

    response = client.get(url, {"kind": "cooperative"})
    assert coop.legal_name in response.text
    assert household.legal_name not in response.text

    response = client.get(url, {"verification": "pending"})
    assert household.legal_name in response.text
    assert coop.legal_name not in response.text

    response = client.get(url, {"q": "0301234567"})
    assert coop.legal_name in response.text
    assert household.legal_name not in response.text


def test_stall_list_filters_by_province_and_publication(client, editor, own_stall, foreign_stall):
    foreign_stall.is_published = False
    foreign_stall.save()
    client.force_login(editor)
    url = reverse(f"{STALL}:list")

    response = client.get(url, {"province": own_stall.province_id})
    assert own_stall.name in response.text
    assert foreign_stall.name not in response.text

    response = client.get(url, {"is_published": "false"})
    assert foreign_stall.name in response.text
    assert own_stall.name not in response.text


def test_new_producer_form_assigns_the_officer(client, officer):
    client.force_login(officer)
    response = client.get(reverse(f"{PRODUCER}:add"))
    assert response.status_code == 200
    assert response.context["form"]["officer"].value() == officer.pk


def test_editor_sees_officers_but_officers_do_not(client, editor, officer, commune):
    client.force_login(editor)
    response = client.get(reverse(f"{OFFICER}:list"))
    assert response.status_code == 200
    assert officer.username in response.text
    client.force_login(officer)
    response = client.get(reverse(f"{OFFICER}:list"))
    assert response.status_code == 302  # permission denied: back to the dashboard
    assert response["Location"] == reverse("wagtailadmin_home")


def test_policy_answers_per_instance(officer, own_stall, foreign_stall):
    policy = policy_registry.get_by_type(Stall)
    assert policy.user_has_permission_for_instance(officer, "change", own_stall)
    assert not policy.user_has_permission_for_instance(officer, "change", foreign_stall)
    assert not policy.user_has_permission_for_instance(officer, "delete", own_stall)
    assert list(policy.instances_user_has_permission_for(officer, "change")) == [own_stall]
    assert not policy.instances_user_has_permission_for(AnonymousUser(), "view").exists()


@pytest.mark.parametrize("viewset", [PRODUCER, STALL, OFFICER])
def test_listing_query_count_does_not_grow_with_rows(client, editor, viewset, django_assert_max_num_queries):
    for _ in range(15):
        OfficerFactory(communes=[CommuneFactory()])
        StallFactory()
    client.force_login(editor)
    with django_assert_max_num_queries(15):
        response = client.get(reverse(f"{viewset}:list"))
    assert response.status_code == 200
    assert len(response.context["object_list"]) >= 15

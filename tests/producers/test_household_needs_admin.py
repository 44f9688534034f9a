"""The household's language, "no smartphone" and way of onboarding in the producer admin."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from producers.models import Producer
from tests.factories.producers import CommuneFactory, StallFactory

pytestmark = pytest.mark.django_db

PRODUCER = "wagtailsnippets_producers_producer"


@pytest.fixture
def own_stall(commune):
    return StallFactory(province=commune.province, commune=commune)


def test_officer_sets_language_and_no_smartphone_in_the_admin(client, officer, own_stall):
    client.force_login(officer)
    url = reverse(f"{PRODUCER}:edit", args=[own_stall.producer.pk])
    data = querydict_from_html(client.get(url).text, form_id="w-editor-form")
    data["language"] = "km"
    data["no_smartphone"] = "on"
    data["onboarded_via"] = "assisted"
    response = client.post(url, data)
    assert response.status_code == 302
    producer = Producer.objects.get(pk=own_stall.producer.pk)
    assert (producer.language, producer.no_smartphone, producer.onboarded_via) == ("km", True, "assisted")


def test_officer_of_another_commune_cannot_reach_the_producer(client, own_stall):
    from tests.factories.producers import OfficerFactory

    stranger = OfficerFactory(communes=[CommuneFactory()]).user
    client.force_login(stranger)
    assert client.get(reverse(f"{PRODUCER}:edit", args=[own_stall.producer.pk])).status_code == 404


def test_editor_filters_producers_by_language_and_no_smartphone(client, editor, own_stall):
    khmer = StallFactory(producer__language="km", producer__no_smartphone=True).producer
    client.force_login(editor)
    response = client.get(reverse(f"{PRODUCER}:list"), {"language": "km", "no_smartphone": "true"})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [khmer]


def test_new_producer_in_the_admin_is_assisted_by_default(client, officer):
    client.force_login(officer)
    response = client.get(reverse(f"{PRODUCER}:add"))
    assert response.context["form"]["onboarded_via"].value() == Producer.Onboarding.ASSISTED
    assert response.context["form"]["language"].value() == "vi"

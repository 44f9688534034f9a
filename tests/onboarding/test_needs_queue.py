"""Officers see who needs help: the queue filtered by the household's language and by "no
smartphone", and the dashboard's households per language and per way of onboarding."""

import pytest

from core import roles
from onboarding import services
from onboarding.models import Application
from producers.models import Producer
from tests.factories.onboarding import complete_application
from tests.factories.producers import StallFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Application.State
QUEUE = "/can-bo/ho-so/"
DASHBOARD = "/can-bo/bang-dieu-khien/"


@pytest.fixture
def households(commune, other_commune, officer):
    """In ``commune``: a Khmer household without a smartphone (assisted), a Vietnamese one
    (self-service), and an already listed Khmer producer (bulk import) with an application
    to add products; in ``other_commune``: a Khmer household without a smartphone."""
    khmer = complete_application(
        commune=commune,
        state=S.SUBMITTED,
        language="km",
        no_smartphone=True,
        stall_name="Gian hàng Neang Sophea",
        created_by=officer,
    )
    viet = complete_application(commune=commune, state=S.SUBMITTED, stall_name="Gian hàng Bà Tư")
    listed = StallFactory(
        commune=commune,
        province=commune.province,
        producer__language="km",
        producer__onboarded_via=Producer.Onboarding.BULK,
        producer__owner=UserFactory(groups=[roles.FARMER]),
    ).producer
    adding = complete_application(
        kind=Application.Kind.ADD_PRODUCTS,
        household=listed.owner,
        producer=listed,
        commune=commune,
        state=S.SUBMITTED,
        stall_name="Gian hàng Chau Sokha",
        language="vi",  # the application's copy is stale: the producer's language counts
    )
    far = complete_application(
        commune=other_commune, state=S.SUBMITTED, language="km", no_smartphone=True, stall_name="Gian hàng Xa"
    )
    return {"khmer": khmer, "viet": viet, "adding": adding, "far": far, "listed": listed}


def names(response) -> set[str]:
    return {a.stall_name for a in response.context["page"].object_list}


def test_queue_filters_by_language_and_no_smartphone(client, officer, households, django_assert_max_num_queries):
    client.force_login(officer)
    # As many as without the filters (tests/onboarding/test_officer.py): the needs are a join.
    with django_assert_max_num_queries(15):
        response = client.get(QUEUE, {"language": "km"})
    assert names(response) == {"Gian hàng Neang Sophea", "Gian hàng Chau Sokha"}
    assert names(client.get(QUEUE, {"no_smartphone": "on"})) == {"Gian hàng Neang Sophea"}
    assert names(client.get(QUEUE, {"language": "vi"})) == {"Gian hàng Bà Tư"}
    assert names(client.get(QUEUE, {"language": "en"})) == set()
    html = client.get(QUEUE, {"language": "km"}).content.decode()
    # Named in the officer's language: a Vietnamese page may have no Khmer font to show Khmer.
    assert "Tiếng Khmer" in html and "không có điện thoại thông minh" in html
    # The state counts keep the language filter.
    assert "language=km" in html.split('class="onb-counts"')[1].split("</ul>")[0]


def test_queue_filter_of_an_officer_of_another_commune_sees_only_its_scope(client, other_officer, households):
    client.force_login(other_officer)
    assert names(client.get(QUEUE, {"language": "km", "no_smartphone": "on"})) == {"Gian hàng Xa"}
    assert names(client.get(QUEUE, {"language": "vi"})) == set()


def test_editor_filters_every_commune(client, editor, households):
    client.force_login(editor)
    assert names(client.get(QUEUE, {"no_smartphone": "on"})) == {"Gian hàng Neang Sophea", "Gian hàng Xa"}


def test_unknown_filter_value_shows_the_error_not_a_500(client, officer, households):
    client.force_login(officer)
    response = client.get(QUEUE, {"language": "fr"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]


def test_household_cannot_use_the_queue_or_the_dashboard(client, households):
    client.force_login(households["khmer"].household)
    assert client.get(QUEUE, {"language": "km"}).status_code == 403
    assert client.get(DASHBOARD).status_code == 403


def counts(response, key):
    return {row["value"]: row["count"] for row in response.context[key]}


def test_dashboard_counts_households_by_language_and_onboarding(
    client, officer, households, django_assert_max_num_queries
):
    client.force_login(officer)
    with django_assert_max_num_queries(17):
        response = client.get(DASHBOARD)
    assert counts(response, "by_language") == {"vi": 1, "km": 2, "en": 0}
    assert counts(response, "by_onboarding") == {"self_service": 1, "assisted": 1, "bulk": 1}
    assert response.context["no_smartphone"] == 1
    html = response.content.decode()
    assert "Số hộ theo ngôn ngữ" in html and "Nhập hàng loạt" in html
    assert "1 hộ không có điện thoại thông minh." in html


def test_dashboard_of_another_communes_officer_counts_only_its_households(client, other_officer, households):
    client.force_login(other_officer)
    response = client.get(DASHBOARD)
    assert counts(response, "by_language") == {"vi": 0, "km": 1, "en": 0}
    assert counts(response, "by_onboarding") == {"self_service": 1, "assisted": 0, "bulk": 0}
    assert response.context["no_smartphone"] == 1


def test_editor_dashboard_counts_every_household(client, editor, households):
    StallFactory()  # a producer entered before the way of onboarding was recorded
    client.force_login(editor)
    response = client.get(DASHBOARD)
    assert counts(response, "by_language") == {"vi": 2, "km": 3, "en": 0}
    assert counts(response, "by_onboarding") == {"self_service": 2, "assisted": 1, "bulk": 1, "": 1}
    assert response.context["no_smartphone"] == 2


def test_withdrawn_and_published_applications_are_not_counted_twice(client, officer, officer2, households):
    app = households["viet"]
    services.start_review(app, officer2)
    services.approve(app, officer2)  # now a producer: counted once, as a producer
    services.withdraw(households["khmer"], officer)
    client.force_login(officer)
    response = client.get(DASHBOARD)
    assert counts(response, "by_language") == {"vi": 1, "km": 1, "en": 0}
    assert counts(response, "by_onboarding") == {"self_service": 1, "assisted": 0, "bulk": 1}

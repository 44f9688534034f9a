"""Object permissions on the officer URLs: someone else's application is a 404, anonymous → login."""

import pytest

from onboarding.models import Application
from tests.factories.onboarding import complete_application

pytestmark = pytest.mark.django_db

S = Application.State

# (method, url pattern, POST data)
OBJECT_URLS = [
    ("get", "/can-bo/ho-so/{pk}/da-tao/", None),
    ("post", "/can-bo/ho-so/{pk}/lien-ket-mat-khau/", {}),
    ("post", "/can-bo/ho-so/{pk}/bat-dau-xem-xet/", {}),
    ("post", "/can-bo/ho-so/{pk}/nhan-xet/", {"text": "x", "field": ""}),
    ("post", "/can-bo/ho-so/{pk}/nhan-xet/", {"text": ""}),
    ("post", "/can-bo/ho-so/{pk}/yeu-cau-sua/", {"comment": "x"}),
    ("post", "/can-bo/ho-so/{pk}/duyet/", {}),
    ("post", "/can-bo/ho-so/{pk}/tu-choi/", {"reason": "x"}),
]
PLAIN_URLS = ["/can-bo/ho-so/", "/can-bo/ho-so/tao/", "/can-bo/bang-dieu-khien/", "/thong-bao/"]


@pytest.fixture(params=[S.SUBMITTED, S.IN_REVIEW])
def foreign_app(request, commune, household, officer):
    """An application of ``household`` in ``commune``, created by ``officer`` for it."""
    return complete_application(
        state=request.param, household=household, created_by=officer, officer=officer, commune=commune
    )


@pytest.mark.parametrize(("method", "url", "data"), OBJECT_URLS)
def test_another_household_gets_404(client, foreign_app, other_household, method, url, data):
    client.force_login(other_household)
    response = getattr(client, method)(url.format(pk=foreign_app.pk), data or {})
    assert response.status_code == 404
    assert Application.objects.get(pk=foreign_app.pk).state == foreign_app.state


@pytest.mark.parametrize(("method", "url", "data"), OBJECT_URLS)
def test_officer_of_another_commune_gets_404(client, foreign_app, other_officer, method, url, data):
    client.force_login(other_officer)
    response = getattr(client, method)(url.format(pk=foreign_app.pk), data or {})
    assert response.status_code == 404
    assert Application.objects.get(pk=foreign_app.pk).state == foreign_app.state


@pytest.mark.parametrize(("method", "url", "data"), OBJECT_URLS)
def test_unknown_application_is_404(client, officer, method, url, data):
    client.force_login(officer)
    assert getattr(client, method)(url.format(pk=999999), data or {}).status_code == 404


@pytest.mark.parametrize(("method", "url", "data"), OBJECT_URLS)
def test_anonymous_is_sent_to_login(client, foreign_app, method, url, data):
    response = getattr(client, method)(url.format(pk=foreign_app.pk), data or {})
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=")
    assert Application.objects.get(pk=foreign_app.pk).state == foreign_app.state


@pytest.mark.parametrize("url", PLAIN_URLS)
def test_anonymous_is_sent_to_login_on_lists(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/?next=")


def test_the_household_itself_cannot_review_its_application(client, foreign_app, household):
    client.force_login(household)
    client.post(f"/can-bo/ho-so/{foreign_app.pk}/duyet/")
    client.post(f"/can-bo/ho-so/{foreign_app.pk}/tu-choi/", {"reason": "x"})
    client.post(f"/can-bo/ho-so/{foreign_app.pk}/bat-dau-xem-xet/")
    assert Application.objects.get(pk=foreign_app.pk).state == foreign_app.state
    assert client.get(f"/can-bo/ho-so/{foreign_app.pk}/da-tao/").status_code == 404


def test_officer_of_another_commune_does_not_see_it_in_queue_or_dashboard(client, foreign_app, other_officer):
    client.force_login(other_officer)
    response = client.get("/can-bo/ho-so/")
    assert foreign_app.stall_name not in response.content.decode()
    assert response.context["total"] == 0
    response = client.get("/can-bo/bang-dieu-khien/")
    assert response.context["total"] == 0

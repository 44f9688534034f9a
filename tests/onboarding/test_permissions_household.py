"""A farmer of another household and an officer of another commune get 404 on every URL of B's side."""

import pytest
from django.urls import reverse

from onboarding.models import Application

pytestmark = pytest.mark.django_db

STEPS = ["producer", "stall", "address", "products", "photos", "documents", "payment", "review"]


def urls(app):
    product = app.products.first()
    yield "get", reverse("onboarding:detail", kwargs={"pk": app.pk}), {}
    for step in STEPS:
        yield "get", reverse("onboarding:step", kwargs={"pk": app.pk, "step": step}), {}
        yield "post", reverse("onboarding:step", kwargs={"pk": app.pk, "step": step}), {"stall_name": "X"}
    yield "get", reverse("onboarding:step", kwargs={"pk": app.pk, "step": "products"}) + f"?p={product.pk}", {}
    yield "post", reverse("onboarding:submit", kwargs={"pk": app.pk}), {"consent": "on"}
    yield "post", reverse("onboarding:withdraw", kwargs={"pk": app.pk}), {}
    yield "get", reverse("onboarding:bulk", kwargs={"pk": app.pk}), {}
    yield "post", reverse("onboarding:bulk", kwargs={"pk": app.pk}), {"action": "confirm", "token": "x"}


@pytest.mark.parametrize("who", ["other_household", "other_officer"])
def test_every_url_of_an_application_not_theirs_is_404(client, application, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    before = (application.state, application.stall_name, application.audit.count())
    for method, url, data in urls(application):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (who, method, url, response.status_code)
    application.refresh_from_db()
    assert (application.state, application.stall_name, application.audit.count()) == before


def test_anonymous_is_sent_to_the_login(client, application):
    response = client.get(reverse("onboarding:detail", kwargs={"pk": application.pk}))
    assert response.status_code == 302 and response.url.startswith(reverse("onboarding:login"))


def test_a_product_of_another_application_is_404(client, household, application):
    from tests.factories.onboarding import complete_application

    other = complete_application()
    client.force_login(household)
    foreign = other.products.first()
    url = reverse("onboarding:step", kwargs={"pk": application.pk, "step": "products"}) + f"?p={foreign.pk}"
    assert client.get(url).status_code == 404
    response = client.post(
        reverse("onboarding:step", kwargs={"pk": application.pk, "step": "products"}),
        {"p": foreign.pk, "action": "delete"},
    )
    assert response.status_code == 404
    assert other.products.filter(pk=foreign.pk).exists()


def test_unknown_step_is_404(client, household, application):
    client.force_login(household)
    assert client.get(reverse("onboarding:step", kwargs={"pk": application.pk, "step": "nope"})).status_code == 404


def test_home_shows_only_own_applications(client, household, application, other_household):
    from tests.factories.onboarding import ApplicationFactory

    ApplicationFactory(household=other_household, created_by=other_household, stall_name="Gian hàng của người khác")
    client.force_login(household)
    page = client.get(reverse("onboarding:home")).content.decode()
    assert application.stall_name in page
    assert "Gian hàng của người khác" not in page
    assert Application.objects.count() == 2

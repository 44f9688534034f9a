"""Registration with a phone number, officer-created accounts with a one-time link, phone login."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core import roles
from onboarding import accounts
from onboarding.models import Application
from tests.factories.producers import OfficerFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def register(client, phone="0912 345 678", password="rau-sach-2025", **extra):
    data = {"full_name": "Nguyễn Thị Hoa", "phone": phone, "password1": password, "password2": password, **extra}
    return client.post(reverse("onboarding:register"), data)


def test_register_normalises_the_phone_and_joins_the_farmer_group(client):
    response = register(client)
    app = Application.objects.get()
    assert response.status_code == 302 and response.url == reverse("onboarding:step", args=[app.pk, "quick"])
    user = User.objects.get(username="+84912345678")
    assert user.groups.filter(name=roles.FARMER).exists()
    assert (user.last_name, user.first_name) == ("Nguyễn Thị", "Hoa")
    assert user.check_password("rau-sach-2025")
    assert client.get(reverse("onboarding:home")).status_code == 200  # logged in


def test_same_phone_written_differently_is_refused(client):
    register(client)
    client.logout()
    response = register(client, phone="+84 912 345 678")
    assert response.status_code == 200
    assert "already exists" in response.content.decode() or "đã có tài khoản" in response.content.decode()
    assert User.objects.filter(username__startswith="+849").count() == 1


@pytest.mark.parametrize("phone", ["12345", "0912 34", "+1 202 555 0100", "abc"])
def test_invalid_phone_is_refused(client, phone):
    response = register(client, phone=phone)
    assert response.status_code == 200
    assert not User.objects.exclude(is_superuser=True).filter(groups__name=roles.FARMER).exists()


def test_weak_or_mismatched_password_is_refused(client):
    assert register(client, password="12345678").status_code == 200
    response = client.post(
        reverse("onboarding:register"),
        {"full_name": "A", "phone": "0912345678", "password1": "rau-sach-2025", "password2": "rau-sach-2026"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="+84912345678").exists()


def test_login_with_the_phone_typed_with_spaces(client):
    register(client)
    client.logout()
    response = client.post(reverse("onboarding:login"), {"username": "0912 345 678", "password": "rau-sach-2025"})
    assert response.status_code == 302 and response.url == reverse("onboarding:home")
    client.logout()
    response = client.post(reverse("onboarding:login"), {"username": "0912 345 678", "password": "wrong"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_login_does_not_redirect_to_another_site(client):
    register(client)
    client.logout()
    response = client.post(
        reverse("onboarding:login"),
        {"username": "0912345678", "password": "rau-sach-2025", "next": "https://evil.example/"},
    )
    assert response.url == reverse("onboarding:home")


def test_officer_creates_an_account_and_the_link_works_once(client):
    officer = OfficerFactory().user
    user, url = accounts.create_household_account(full_name="Lê Văn Tư", phone="0987 654 321", created_by=officer)
    assert user.username == "+84987654321" and not user.has_usable_password()
    assert user.groups.filter(name=roles.FARMER).exists()
    assert url.startswith("/dat-mat-khau/")

    page = client.get(url)
    assert page.status_code == 200 and "0987 654 321" in page.content.decode()
    response = client.post(url, {"password1": "ca-phe-2025", "password2": "ca-phe-2025"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("ca-phe-2025")

    client.logout()
    again = client.get(url)
    assert again.status_code == 404
    assert client.post(url, {"password1": "x-other-2025", "password2": "x-other-2025"}).status_code == 404
    user.refresh_from_db()
    assert user.check_password("ca-phe-2025")


def test_officer_cannot_create_a_second_account_for_the_same_phone():
    from django.core.exceptions import ValidationError

    officer = OfficerFactory().user
    accounts.create_household_account(full_name="A", phone="0987654321", created_by=officer)
    with pytest.raises(ValidationError) as exc:
        accounts.create_household_account(full_name="B", phone="+84987654321", created_by=officer)
    assert exc.value.code == "phone_taken"


@pytest.mark.parametrize("token", ["x", "abc.def", "MQ.bad-token", "%%%"])
def test_forged_tokens_are_refused(client, token):
    assert client.get(reverse("onboarding:set-password", kwargs={"token": token})).status_code == 404

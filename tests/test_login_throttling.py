"""django-axes locks a user name out after AXES_FAILURE_LIMIT wrong passwords, on the admin's login."""

import pytest

from tests.factories.producers import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    user = UserFactory(username="bientap", is_staff=True, is_superuser=True)
    user.set_password("dung-mat-khau-123")
    user.save()
    return user


def try_login(client, password, username="bientap"):
    return client.post("/admin/login/", {"username": username, "password": password})


def test_wrong_passwords_lock_the_user_name_out_then_even_the_right_one_is_refused(client, settings, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = try_login(client, "sai")
        assert response.status_code == 200  # the form again, with its error
    locked = try_login(client, "sai")
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    assert try_login(client, "dung-mat-khau-123").status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(client, settings, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        try_login(client, "sai")
    assert try_login(client, "dung-mat-khau-123").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert try_login(client, "sai").status_code == 200


def test_the_lockout_is_per_user_name(client, settings, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        try_login(client, "sai", username="nguoi-khac")
    assert try_login(client, "dung-mat-khau-123").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, settings, staff, time_machine):
    from django.utils import timezone

    for _ in range(settings.AXES_FAILURE_LIMIT):
        try_login(client, "sai")
    assert try_login(client, "dung-mat-khau-123").status_code == 429
    time_machine.move_to(timezone.now() + settings.AXES_COOLOFF_TIME + timezone.timedelta(minutes=1))
    assert try_login(client, "dung-mat-khau-123").status_code == 302


def test_a_login_without_a_request_still_works(client, staff):
    assert client.login(username="bientap", password="dung-mat-khau-123")

"""Who is notified of each transition, in-app and after commit; a broken sender breaks nothing."""

import pytest

from onboarding import services
from onboarding.models import Application, Notification
from tests.factories.onboarding import complete_application
from tests.factories.producers import OfficerFactory

pytestmark = pytest.mark.django_db

S = Application.State


class BrokenSender:
    def send(self, message):
        raise ConnectionError("SMS gateway down")


def titles(user):
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True))


def test_submission_notifies_assigned_officer_not_the_actor(
    application, household, officer, django_capture_on_commit_callbacks, notify_outbox
):
    application.household.email = "ho@example.com"
    application.household.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(application, household)
    assert titles(household) == []
    [note] = Notification.objects.filter(user=officer)
    assert "đang chờ xem xét" in note.title and note.application == application
    assert note.url == f"/ho-so/{application.pk}/"
    assert [m.email for m in notify_outbox] == [officer.email]


def test_without_an_assigned_officer_every_officer_of_the_commune_hears(household, commune, officer, officer2):
    app = complete_application(household=household, commune=commune, officer=None)
    services.submit(app, household)
    assert len(titles(officer)) == 1 and len(titles(officer2)) == 1


def test_household_hears_of_review_changes_and_publication(
    application, household, officer, officer2, django_capture_on_commit_callbacks, notify_outbox
):
    services.submit(application, household)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_review(application, officer)
        services.request_changes(application, officer, comment="Chụp lại ảnh")
    notes = titles(household)
    assert len(notes) == 2
    assert "đang xem xét" in notes[0] and "sửa" in notes[1]
    assert Notification.objects.filter(user=household).first().body == "Chụp lại ảnh"
    # Messages to the household also carry its phone, for an SMS sender.
    assert {m.phone for m in notify_outbox} == {application.phone}
    services.submit(application, household)
    services.start_review(application, officer2)
    services.approve(application, officer2)
    assert "đã được duyệt" in titles(household)[-1]
    assert "đã được duyệt" in titles(officer)[-1]  # the assigned officer, who did not approve


def test_household_hears_the_reason_of_a_rejection(household, commune, officer):
    app = complete_application(state=S.IN_REVIEW, household=household, commune=commune)
    services.reject(app, officer, reason="Không đủ giấy tờ")
    note = Notification.objects.get(user=household)
    assert note.body == "Không đủ giấy tờ"


def test_assisted_submission_tells_the_household(household, commune, officer):
    app = complete_application(household=household, created_by=officer, commune=commune, officer=officer)
    services.submit(app, officer, consent=True)
    note = Notification.objects.get(user=household)
    assert "đồng ý" in note.body
    assert not Notification.objects.filter(user=officer).exists()


def test_messages_leave_only_after_commit(application, household, notify_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit(application, household)
    assert notify_outbox == []
    assert callbacks


def test_failing_sender_never_breaks_a_transition(
    application, household, officer, settings, django_capture_on_commit_callbacks, notify_outbox
):
    settings.NOTIFY_SENDER = "tests.onboarding.test_notifications.BrokenSender"
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(application, household)
        services.start_review(application, officer)
    application.refresh_from_db()
    assert application.state == S.IN_REVIEW
    assert notify_outbox  # attempted
    assert Notification.objects.filter(user=household).exists()


def test_officer_of_another_commune_is_not_notified(application, household, other_officer):
    services.submit(application, household)
    assert titles(other_officer) == []


def test_notifications_page_lists_and_marks_read(application, household, officer, client):
    services.submit(application, household)
    services.start_review(application, officer)
    client.force_login(household)
    response = client.get("/thong-bao/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "đang xem xét" in body and "Mới" in body
    assert not Notification.objects.filter(user=household, read_at__isnull=True).exists()
    assert "Mới" not in client.get("/thong-bao/").content.decode()


def test_opening_a_notification_goes_to_the_application(application, household, officer, client):
    services.submit(application, household)
    services.start_review(application, officer)
    note = Notification.objects.get(user=household)
    client.force_login(household)
    response = client.get(f"/thong-bao/{note.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/ho-so/{application.pk}/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_someone_elses_notification_is_404(application, household, officer, client):
    services.submit(application, household)
    note = Notification.objects.get(user=officer)
    client.force_login(household)
    assert client.get(f"/thong-bao/{note.pk}/").status_code == 404
    stranger = OfficerFactory().user
    client.force_login(stranger)
    assert "đang chờ" not in client.get("/thong-bao/").content.decode()


def test_notifications_page_needs_login(client):
    response = client.get("/thong-bao/")
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/?next=/thong-bao/"


def test_notifications_page_query_count(application, household, officer, client, django_assert_max_num_queries):
    for _ in range(3):
        Notification.objects.create(user=household, application=application, title="x", url="/")
    client.force_login(household)
    with django_assert_max_num_queries(12):
        assert client.get("/thong-bao/").status_code == 200

"""The officer screens: queue, assisted listing, review actions."""

import datetime

import pytest
from django.utils import timezone

from core import roles
from onboarding import services
from onboarding.models import Application, AuditEntry, ReviewComment
from tests.factories.onboarding import complete_application
from tests.factories.producers import CommuneFactory

pytestmark = pytest.mark.django_db

S = Application.State


def make(state, commune, **kwargs):
    return complete_application(state=state, commune=commune, **kwargs)


# --- queue ---------------------------------------------------------------------------------


def test_queue_lists_own_communes_oldest_first_with_counts(client, officer, commune, other_commune):
    now = timezone.now()
    newer = make(S.SUBMITTED, commune, stall_name="Gian mới", submitted_at=now)
    older = make(S.SUBMITTED, commune, stall_name="Gian cũ", submitted_at=now - datetime.timedelta(days=3))
    make(S.DRAFT, commune, stall_name="Gian nháp")
    make(S.SUBMITTED, other_commune, stall_name="Gian xã khác")
    client.force_login(officer)
    response = client.get("/can-bo/ho-so/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(older.stall_name) < body.index(newer.stall_name)
    assert "Gian nháp" in body and "Gian xã khác" not in body
    counts = {s["value"]: s["count"] for s in response.context["state_counts"]}
    assert counts[S.SUBMITTED] == 2 and counts[S.DRAFT] == 1 and counts[S.PUBLISHED] == 0
    assert response.context["total"] == 3


def test_queue_filters_by_state_and_commune(client, officer, commune):
    second = CommuneFactory()
    officer.officer_profile.communes.add(second)
    make(S.SUBMITTED, commune, stall_name="Gian A")
    make(S.IN_REVIEW, commune, stall_name="Gian B")
    make(S.SUBMITTED, second, stall_name="Gian C")
    client.force_login(officer)
    body = client.get("/can-bo/ho-so/?state=submitted").content.decode()
    assert "Gian A" in body and "Gian C" in body and "Gian B" not in body
    body = client.get(f"/can-bo/ho-so/?commune={second.pk}").content.decode()
    assert "Gian C" in body and "Gian A" not in body
    # A commune the officer does not serve is not a choice: the filter is ignored, nothing leaks.
    foreign = CommuneFactory()
    make(S.SUBMITTED, foreign, stall_name="Gian X")
    response = client.get(f"/can-bo/ho-so/?commune={foreign.pk}")
    assert response.status_code == 200 and "Gian X" not in response.content.decode()


def test_queue_query_count(client, officer, commune, django_assert_max_num_queries):
    for _ in range(6):
        make(S.SUBMITTED, commune, officer=officer)
    client.force_login(officer)
    with django_assert_max_num_queries(15):
        response = client.get("/can-bo/ho-so/")
    assert len(response.context["page"].object_list) == 6


def test_editor_queue_sees_every_commune(client, editor, commune, other_commune):
    make(S.SUBMITTED, commune, stall_name="Gian A")
    make(S.SUBMITTED, other_commune, stall_name="Gian B")
    client.force_login(editor)
    body = client.get("/can-bo/ho-so/").content.decode()
    assert "Gian A" in body and "Gian B" in body


def test_farmer_cannot_open_the_queue(client, household):
    client.force_login(household)
    assert client.get("/can-bo/ho-so/").status_code == 403
    assert client.get("/can-bo/bang-dieu-khien/").status_code == 403
    assert client.get("/can-bo/ho-so/tao/").status_code == 403


# --- assisted listing ------------------------------------------------------------------------


def test_officer_creates_household_and_application(client, officer, commune):
    client.force_login(officer)
    response = client.get("/can-bo/ho-so/tao/")
    assert response.status_code == 200
    response = client.post(
        "/can-bo/ho-so/tao/", {"full_name": "Trần Văn  Hậu", "phone": "0987 654 321", "commune": commune.pk}
    )
    app = Application.objects.get()
    # Straight on to the product (the quick listing); the password link waits on its own page.
    assert response.status_code == 302 and response["Location"] == f"/ho-so/{app.pk}/quick-product/"
    assert app.household.get_username() == "+84987654321"
    assert app.household.groups.filter(name=roles.FARMER).exists()
    assert not app.household.has_usable_password()
    assert app.created_by == officer and app.officer == officer and app.commune == commune
    assert app.audit.get().on_behalf
    response = client.get(f"/can-bo/ho-so/{app.pk}/da-tao/")
    page = response.content.decode()
    assert "/dat-mat-khau/" in page
    # Shown once: a reload offers to make a new link instead.
    again = client.get(f"/can-bo/ho-so/{app.pk}/da-tao/").content.decode()
    assert "/dat-mat-khau/" not in again
    response = client.post(f"/can-bo/ho-so/{app.pk}/lien-ket-mat-khau/")
    assert "/dat-mat-khau/" in client.get(response["Location"]).content.decode()


def test_assisted_creation_with_a_taken_phone_saves_nothing(client, officer, household):
    household.username = "+84987654321"
    household.save()
    client.force_login(officer)
    response = client.post("/can-bo/ho-so/tao/", {"full_name": "Trần Văn Hậu", "phone": "0987654321"})
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not Application.objects.exists()


def test_assisted_creation_with_a_bad_phone(client, officer):
    client.force_login(officer)
    response = client.post("/can-bo/ho-so/tao/", {"full_name": "Trần Văn Hậu", "phone": "12345"})
    assert response.status_code == 200 and "0912 345 678" in response.content.decode()
    assert not Application.objects.exists()


def test_assisted_creation_refuses_a_commune_the_officer_does_not_serve(client, officer, other_commune):
    client.force_login(officer)
    response = client.post(
        "/can-bo/ho-so/tao/", {"full_name": "Trần Văn Hậu", "phone": "0987654321", "commune": other_commune.pk}
    )
    assert response.status_code == 200 and not Application.objects.exists()


# --- review actions --------------------------------------------------------------------------


def test_review_actions_end_to_end(client, officer, officer2, household, commune):
    app = make(S.SUBMITTED, commune, household=household, created_by=officer, officer=officer)
    client.force_login(officer)
    detail = client.get(f"/ho-so/{app.pk}/").content.decode()
    assert "Bắt đầu xem xét" in detail
    response = client.post(f"/can-bo/ho-so/{app.pk}/bat-dau-xem-xet/")
    assert response.status_code == 302 and response["Location"] == f"/ho-so/{app.pk}/"
    assert Application.objects.get(pk=app.pk).state == S.IN_REVIEW
    client.post(f"/can-bo/ho-so/{app.pk}/nhan-xet/", {"field": "story", "text": "Kể thêm về vườn"})
    assert ReviewComment.objects.get(application=app).field == "story"
    detail = client.get(f"/ho-so/{app.pk}/").content.decode()
    assert "cán bộ khác" in detail and "Duyệt và đăng bán" not in detail  # four eyes, shown
    response = client.post(f"/can-bo/ho-so/{app.pk}/duyet/", follow=True)
    assert "cán bộ khác" in response.content.decode()
    assert Application.objects.get(pk=app.pk).state == S.IN_REVIEW
    client.post(f"/can-bo/ho-so/{app.pk}/yeu-cau-sua/", {"comment": ""})
    assert Application.objects.get(pk=app.pk).state == S.CHANGES_REQUESTED
    services.submit(Application.objects.get(pk=app.pk), household)

    client.force_login(officer2)
    client.post(f"/can-bo/ho-so/{app.pk}/bat-dau-xem-xet/")
    assert "Duyệt và đăng bán" in client.get(f"/ho-so/{app.pk}/").content.decode()
    response = client.post(f"/can-bo/ho-so/{app.pk}/duyet/", follow=True)
    assert "Đã duyệt" in response.content.decode()
    assert Application.objects.get(pk=app.pk).state == S.PUBLISHED


def test_reject_without_reason_shows_a_message(client, officer, commune):
    app = make(S.IN_REVIEW, commune)
    client.force_login(officer)
    response = client.post(f"/can-bo/ho-so/{app.pk}/tu-choi/", {"reason": ""}, follow=True)
    assert "lý do" in response.content.decode()
    assert Application.objects.get(pk=app.pk).state == S.IN_REVIEW
    client.post(f"/can-bo/ho-so/{app.pk}/tu-choi/", {"reason": "Sai mặt hàng"})
    app.refresh_from_db()
    assert app.state == S.REJECTED and app.rejection_reason == "Sai mặt hàng"


def test_illegal_action_changes_nothing_and_says_why(client, officer, commune):
    app = make(S.DRAFT, commune)
    client.force_login(officer)
    response = client.post(f"/can-bo/ho-so/{app.pk}/duyet/", follow=True)
    assert "không thể" in response.content.decode()
    assert Application.objects.get(pk=app.pk).state == S.DRAFT
    assert not AuditEntry.objects.filter(application=app).exists()


def test_actions_need_post(client, officer, commune):
    app = make(S.SUBMITTED, commune)
    client.force_login(officer)
    assert client.get(f"/can-bo/ho-so/{app.pk}/bat-dau-xem-xet/").status_code == 405
    assert Application.objects.get(pk=app.pk).state == S.SUBMITTED


def test_actions_need_csrf(officer, commune):
    from django.test import Client

    app = make(S.SUBMITTED, commune)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.post(f"/can-bo/ho-so/{app.pk}/bat-dau-xem-xet/").status_code == 403
    assert Application.objects.get(pk=app.pk).state == S.SUBMITTED


def test_household_sees_no_officer_actions(client, household, commune):
    app = make(S.SUBMITTED, commune, household=household)
    client.force_login(household)
    body = client.get(f"/ho-so/{app.pk}/").content.decode()
    assert "Bắt đầu xem xét" not in body


def test_screens_in_english(client, officer, commune):
    make(S.SUBMITTED, commune)
    client.force_login(officer)
    body = client.get("/en/can-bo/ho-so/").content.decode()
    assert "Applications to review" in body
    assert "Hồ sơ cần xem xét" in client.get("/can-bo/ho-so/").content.decode()


def test_wagtail_admin_links_officers_to_the_queue(client, officer, household):
    client.force_login(officer)
    assert "/can-bo/ho-so/" in client.get("/admin/").content.decode()
    assert not roles.reviews_applications(household)

"""Publishing a promotion takes two people: the author submits, a second editor or an admin approves."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import GroupPagePermission, WorkflowPage
from wagtail.test.utils.form_data import querydict_from_html

from cms.models import PromotionPage
from cms.services import PROMOTION_WORKFLOW_NAME
from core import roles
from tests.factories.catalog import ProductFactory
from tests.factories.cms import home_page, promotion, promotion_index
from tests.factories.producers import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    page = home_page()
    editor = Group.objects.get(name=roles.EDITOR)
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=editor,
            page=page,
            permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
        )
    return page


@pytest.fixture
def draft(home):
    author = UserFactory(username="tac-gia", groups=[roles.EDITOR])
    page = promotion(promotion_index(home), products=[ProductFactory()], live=False, owner=author)
    page.save_revision(user=author)
    return page


@pytest.fixture
def author():
    return UserFactory(username="tac-gia", groups=[roles.EDITOR])


@pytest.fixture
def second_editor():
    return UserFactory(username="bien-tap-2", groups=[roles.EDITOR])


def _fix(data):
    """What a browser would send that the parsed HTML cannot tell."""
    for name in ("categories", "producers", "provinces"):  # unselected multi-selects
        data.pop(name, None)
    data["body"] = "[]"  # the StreamField widget is filled in by JavaScript
    data["body-count"] = "0"
    return data


def _edit_form(client, page):
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    _fix(data)
    return response, data


def _submit(client, page):
    _response, data = _edit_form(client, page)
    data["action-submit"] = "action-submit"
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    page.refresh_from_db()
    assert page.workflow_in_progress
    return page.current_workflow_task_state


def _approve(client, page, task_state):
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    return client.post(url, {"comment": ""})


def _is_live(page) -> bool:
    return PromotionPage.objects.get(pk=page.pk).live


def test_promotion_index_gets_the_second_editor_workflow(home):
    index = promotion_index(home)
    assert WorkflowPage.objects.get(page=index).workflow.name == PROMOTION_WORKFLOW_NAME
    assert promotion(index, live=False).get_workflow().name == PROMOTION_WORKFLOW_NAME


def test_author_cannot_publish_a_promotion_directly(client, draft, author):
    client.force_login(author)
    response, data = _edit_form(client, draft)
    html = response.content.decode()
    assert 'name="action-publish"' not in html
    assert 'name="action-submit"' in html

    data["action-publish"] = "action-publish"
    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)

    assert not _is_live(draft)


def test_editor_cannot_create_and_publish_a_promotion_in_one_go(client, home, author):
    index = promotion_index(home)
    client.force_login(author)
    url = reverse("wagtailadmin_pages:add", args=["cms", "promotionpage", index.pk])
    response = client.get(url)
    assert 'name="action-publish"' not in response.content.decode()
    data = _fix(querydict_from_html(response.content.decode(), form_id="page-edit-form"))
    data.update(
        {
            "title": "Tự xuất bản",
            "slug": "tu-xuat-ban",
            "starts_at": "2020-01-01 00:00",
            "ends_at": "2099-01-01 00:00",
            "discount_value": "10",
            "action-publish": "action-publish",
        }
    )
    client.post(url, data)

    page = PromotionPage.objects.get(slug="tu-xuat-ban")
    assert not page.live


def test_author_who_submits_cannot_approve_their_own_promotion(client, draft, author):
    client.force_login(author)
    task_state = _submit(client, draft)

    task = task_state.task.specific
    assert task.get_actions(draft, author) == []
    response = _approve(client, draft, task_state)

    assert response.status_code in (302, 403)  # Wagtail's admin turns PermissionDenied into a redirect
    assert not _is_live(draft)
    draft.refresh_from_db()
    assert draft.workflow_in_progress

    # Nor through the edit view's workflow action.
    _response, data = _edit_form(client, draft)
    data.update({"action-workflow-action": "true", "workflow-action-name": "approve"})
    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)
    assert not _is_live(draft)

    # Nor by calling the task directly.
    with pytest.raises(PermissionDenied):
        task.on_action(task_state, author, "approve")
    assert not _is_live(draft)


def test_second_editor_approves_and_the_promotion_goes_live(client, draft, author, second_editor):
    client.force_login(author)
    task_state = _submit(client, draft)

    client.force_login(second_editor)
    response = _approve(client, draft, task_state)

    assert response.status_code == 302
    assert _is_live(draft)
    draft.refresh_from_db()
    assert not draft.workflow_in_progress


def test_second_editor_still_cannot_publish_without_the_workflow(client, draft, second_editor):
    client.force_login(second_editor)
    _response, data = _edit_form(client, draft)
    data["action-publish"] = "action-publish"
    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), data)

    assert not _is_live(draft)


def test_an_admin_can_approve(client, draft, author):
    client.force_login(author)
    task_state = _submit(client, draft)

    client.force_login(UserFactory(username="quan-tri", is_superuser=True, is_staff=True))
    _approve(client, draft, task_state)

    assert _is_live(draft)

"""Writes of the cms app that span rows: the promotions' moderation workflow."""

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Workflow, WorkflowPage, WorkflowTask

from core import roles

from .models import FourEyesApprovalTask, PromotionIndexPage

PROMOTION_WORKFLOW_NAME = "Duyệt khuyến mãi"
PROMOTION_TASK_NAME = "Biên tập viên thứ hai duyệt"
APPROVER_GROUPS = (roles.EDITOR, roles.MODERATORS)


@transaction.atomic
def promotion_workflow_get_or_create() -> Workflow:
    """The "second editor approves" workflow; the same steps as migration 0007, idempotent."""
    workflow, _ = Workflow.objects.get_or_create(name=PROMOTION_WORKFLOW_NAME, defaults={"active": True})
    task = FourEyesApprovalTask.objects.filter(name=PROMOTION_TASK_NAME).first()
    if task is None:
        task = FourEyesApprovalTask.objects.create(name=PROMOTION_TASK_NAME, active=True)
        task.groups.set(Group.objects.filter(name__in=APPROVER_GROUPS))
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return workflow


@transaction.atomic
def promotion_workflow_ensure(*, page: PromotionIndexPage) -> None:
    """Promotions under ``page`` need a second editor's approval to be published.

    Leaves alone a workflow an administrator assigned to the index on purpose.
    """
    if WorkflowPage.objects.filter(page_id=page.pk).exists():
        return
    WorkflowPage.objects.create(page_id=page.pk, workflow=promotion_workflow_get_or_create())

from django.db import migrations

WORKFLOW_NAME = "Duyệt khuyến mãi"
TASK_NAME = "Biên tập viên thứ hai duyệt"
APPROVER_GROUPS = ("Editor", "Moderators")


def forwards(apps, schema_editor):
    """The promotions' moderation workflow: a second editor (or an admin) approves.

    Idempotent. Assigned to the promotion index if it exists already; otherwise
    cms.services.promotion_workflow_ensure() assigns it when the index is created.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    FourEyesApprovalTask = apps.get_model("cms", "FourEyesApprovalTask")
    PromotionIndexPage = apps.get_model("cms", "PromotionIndexPage")

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = FourEyesApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        # Historical models skip Task.__init__, which sets the content type.
        content_type, _ = ContentType.objects.get_or_create(app_label="cms", model="foureyesapprovaltask")
        task = FourEyesApprovalTask.objects.create(name=TASK_NAME, active=True, content_type=content_type)
        task.groups.set(Group.objects.filter(name__in=APPROVER_GROUPS))
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for index in PromotionIndexPage.objects.all():
        if not WorkflowPage.objects.filter(page_id=index.pk).exists():
            WorkflowPage.objects.create(page_id=index.pk, workflow=workflow)


def backwards(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowPage.objects.filter(workflow__name=WORKFLOW_NAME).delete()
    Workflow.objects.filter(name=WORKFLOW_NAME).update(active=False)


class Migration(migrations.Migration):
    dependencies = [("cms", "0006_english_locale")]

    operations = [migrations.RunPython(forwards, backwards)]

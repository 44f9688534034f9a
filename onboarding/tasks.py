"""Celery tasks of onboarding: thin wrappers over the services."""

from celery import shared_task

from .services import certificate_reminders_run


@shared_task(name="onboarding.tasks.certificate_reminders", ignore_result=True)
def certificate_reminders() -> dict[str, int]:
    """Daily: OCOP certificate reminders at 90 and 30 days, and expiry on the day after."""

    return certificate_reminders_run()

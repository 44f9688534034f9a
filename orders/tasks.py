"""Celery tasks of the orders app: thin wrappers over services."""

from celery import shared_task

from . import services


@shared_task(name="orders.tasks.release_expired_reservations")
def release_expired_reservations() -> int:
    """Cancel online orders not paid in time and put their stock back (beat: every few minutes)."""
    return services.release_expired_reservations()

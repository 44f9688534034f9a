"""``manage.py run_task <task name>``: run a periodic job once, for cron when there is no Redis.

Runs the Celery task in this process, then waits for what it enqueued (the pushes of
``feeds.tasks.push_all_partners``, notifications) before exiting. With Redis, Celery beat
runs the same tasks on the same schedule (``CELERY_BEAT_SCHEDULE``); do not run both.
"""

from celery import current_app as app  # the project's app: ocop_market loads it with the settings
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.tasks import worker


class Command(BaseCommand):
    help = "Run a periodic task once in this process (cron without Redis); waits for what it enqueued."

    def add_arguments(self, parser):
        scheduled = sorted(entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values())
        parser.add_argument("task", help=f"A task name, e.g. one of: {', '.join(scheduled)}")
        parser.add_argument("--timeout", type=float, default=3600, help="Seconds to wait for enqueued work.")

    def handle(self, *args, task, timeout, **options):
        app.loader.import_default_modules()
        if task not in app.tasks:
            raise CommandError(f"Unknown task: {task}")
        result = app.tasks[task]()
        if not worker.drain(timeout=timeout):
            raise CommandError(f"{task}: enqueued work still running after {timeout:.0f} s.")
        self.stdout.write(f"{task}: {result}")

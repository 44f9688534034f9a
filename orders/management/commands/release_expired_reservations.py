"""Give back the stock of online orders not paid in time (no Celery needed: cron or by hand)."""

from django.core.management.base import BaseCommand

from orders import services


class Command(BaseCommand):
    help = (
        "Cancel card and VietQR orders still unpaid after their payment deadline and put their stock "
        "back on sale. Idempotent; checkout does the same for the products it reserves, Celery beat "
        "runs it every few minutes when a worker runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count the orders that would be released.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            count = services.expired_reservations().count()
            self.stdout.write(f"{count} expired reservation(s) would be released.")
            return
        count = services.release_expired_reservations()
        self.stdout.write(f"{count} expired reservation(s) released.")

from django.core.management.base import BaseCommand

from producers.services import admin_units_load


class Command(BaseCommand):
    help = "Load or refresh Vietnam's 2025 administrative units (34 provinces, 3,321 communes/wards)."

    def handle(self, *args, **options):
        result = admin_units_load()
        self.stdout.write(
            f"{result['provinces']} provinces ({result['provinces_created']} new), "
            f"{result['communes']} communes/wards ({result['communes_created']} new)."
        )

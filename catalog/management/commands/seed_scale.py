"""A national-size catalog for benchmarks, written with bulk inserts.

    manage.py seed_scale --products 100000 --stalls 5000

Published stalls spread over the 34 provinces, products round-robin over them with shared
images, two in three with an active OCOP certificate, their folded search text filled in.
Idempotent: a second run tops the catalog up to ``--products``. Everything it makes has
slugs starting with ``scale-``. The rows come from the generator of the feeds benchmark
(``bench_catalog``), so both benchmarks measure the same kind of catalog.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a national-size catalog for benchmarks (bulk inserts): --products 100000 --stalls 5000."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=100_000)
        parser.add_argument("--stalls", type=int, default=5_000)
        parser.add_argument("--images", type=int, default=8, help="Shared generated images.")

    def handle(self, *args, products, stalls, images, **options):
        call_command("bench_catalog", count=products, stalls=stalls, images=images, prefix="scale-", stdout=self.stdout)

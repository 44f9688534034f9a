"""tests/lighthouse.py's server: the benchmark's production-like settings, with the uploaded
photos served by Django (a deployment serves them from its web server or object storage),
since a page whose images answer 404 loses Lighthouse's best-practices points."""

from tests.bench.settings import *  # noqa: F403

ROOT_URLCONF = "tests.lighthouse_urls"

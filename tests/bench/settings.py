"""Production-like settings for the benchmark: DEBUG off, no TLS redirect, own files.

Everything comes from ocop_market.settings.base; only what a loopback benchmark needs
differs. The database is DATABASE_URL when set (tests/bench/run.py sets a SQLite file
otherwise).
"""

import os
from pathlib import Path

os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["SECURE_COOKIES"] = "0"

from ocop_market.settings.base import *  # noqa: F403
from ocop_market.settings.base import BASE_DIR

ROOT_URLCONF = "tests.bench.urls"
ALLOWED_HOSTS = ["127.0.0.1"]
SECURE_HSTS_SECONDS = 0
BENCH_DIR = BASE_DIR / "tests" / "bench"
# Own media and static folders: uploads, renditions and collected files of the bench
# never mix with the demo's (BENCH_MEDIA_ROOT: a bench of its own, e.g. tests/bench/national.py).
MEDIA_ROOT = Path(os.environ.get("BENCH_MEDIA_ROOT", BENCH_DIR / ".bench_media"))
PRIVATE_MEDIA_ROOT = BENCH_DIR / ".bench_private_media"
STATIC_ROOT = BENCH_DIR / ".bench_static"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}

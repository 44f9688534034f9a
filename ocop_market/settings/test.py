"""Test speed-ups only; everything else comes from base.py and the environment."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("LOG_REQUESTS", "0")  # quiet output; tests/test_request_log.py turns it on
# Production gives Redis 0.25 s a command, then serves without it for REDIS_RETRY_SECONDS. On
# a loaded CI machine one stall that long would open the breaker for the next tests' 5 s; the
# breaker's own tests (test_redis_down, test_redis_fault) set their own timeouts. In the
# environment, so that the Celery worker the suite starts inherits it.
os.environ.setdefault("REDIS_TIMEOUT", "2")

from .base import *  # noqa: F403
from .base import BASE_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".test_media"
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test_private_media"
SITE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
# Serve static files from the apps' folders: the suite never runs collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run in the test's process even when REDIS_URL is set (CI's Redis pass): a test that
# needs a real worker sends its task explicitly (tests/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# core.tasks.enqueue runs the task at commit in the test's thread; tests of the
# background worker turn this off.
TASKS_INLINE = True
# The page cache is on in every test run, Redis or not (one process: its local memory will do),
# so the whole suite runs through it as buyers do.
STOREFRONT_CACHE_SECONDS = 600
# localstripe is a process of its own; a loaded machine may take over a second to answer.
STRIPE_PING_TIMEOUT = 5

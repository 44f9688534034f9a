"""The bench's WSGI application: the project, and under DEFAULT_STACK_PREFIX the same URLs
behind Django's default middleware stack (what ``startproject`` writes), served by the same
workers, so that the middleware's own cost is measured in the same run (tests/bench/run.py)."""

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

from ocop_market import worker

DEFAULT_STACK_PREFIX = "/bench/default-stack/"
DJANGO_DEFAULT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


class DefaultStackHandler(WSGIHandler):
    def load_middleware(self, is_async=False):
        from django.conf import settings

        project_stack = settings.MIDDLEWARE
        settings.MIDDLEWARE = DJANGO_DEFAULT_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = project_stack


project = get_wsgi_application()
default_stack = DefaultStackHandler()

# As ocop_market.wsgi does for the project's own workers.
worker.prepare()


def application(environ, start_response):
    if environ.get("PATH_INFO", "").startswith(DEFAULT_STACK_PREFIX):
        return default_stack(environ, start_response)
    return project(environ, start_response)

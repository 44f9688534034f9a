import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop_market.settings.base")

application = get_wsgi_application()

from ocop_market.checks import require_secret_key  # noqa: E402

require_secret_key()

from ocop_market import worker  # noqa: E402

worker.prepare()

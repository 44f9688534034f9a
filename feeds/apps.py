from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "feeds"
    verbose_name = _("Feeds")

    def ready(self):
        # Connects the "push after a change" signal handlers.
        from . import tasks  # noqa: F401

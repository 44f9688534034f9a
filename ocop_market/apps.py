from django.apps import AppConfig


class OcopMarketConfig(AppConfig):
    """The project package as an app only to register its system checks."""

    name = "ocop_market"
    verbose_name = "OCOP Market"

    def ready(self):
        from . import checks  # noqa: F401 -- registers the checks

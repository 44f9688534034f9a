from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self):
        # Imported when the app registry is ready: these load models (not allowed at app loading).
        from core.names import install

        install()  # family name first on every page, e-mail and document

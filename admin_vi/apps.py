from django.apps import AppConfig


class AdminViConfig(AppConfig):
    """The Wagtail admin in Vietnamese: only a catalogue, ``locale/vi/LC_MESSAGES/django.po``.

    Wagtail ships Vietnamese for a fraction of its admin. This app is listed after the
    project's apps and before Wagtail's, so its translations win over Wagtail's and the
    project's own catalogues (``locale/``, ``onboarding/``, ``orders/``) win over it. It has
    no translatable source of its own, so ``makemessages`` leaves its catalogue alone.
    """

    name = "admin_vi"
    verbose_name = "Admin (vi)"

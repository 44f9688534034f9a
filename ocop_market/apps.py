from django.apps import AppConfig


class OcopMarketConfig(AppConfig):
    """The project package as an app: its system checks and two fixes to Wagtail's admin."""

    name = "ocop_market"
    verbose_name = "OCOP Market"

    def ready(self):
        # Registered with the app: the checks import models.
        from . import checks  # noqa: F401 -- registers the checks

        _chooser_creates_only_with_a_form()
        _redirect_import_checks_its_fields()


def _chooser_creates_only_with_a_form() -> None:
    """Wagtail's choosers offer "create" to whoever may add the model, even when the chooser
    has no creation form: a POST then fails on ``None.is_valid()`` (500). No form, no create."""
    # Imported when the app registry is ready: these load models (not allowed at app loading).
    from wagtail.admin.views.generic.chooser import CreationFormMixin

    may_add = CreationFormMixin.can_create
    if getattr(may_add, "needs_form", False):
        return

    def can_create(self):
        return self.get_creation_form_class() is not None and may_add(self)

    can_create.needs_form = True
    CreationFormMixin.can_create = can_create


def _redirect_import_checks_its_fields() -> None:
    """Wagtail's redirect import reads its signed hidden fields without checking they were
    sent: a POST without them failed with a KeyError (500). Missing fields: an invalid form,
    which the view answers 400."""
    # Imported when the app registry is ready: these load models (not allowed at app loading).
    from django import forms
    from wagtail.contrib.redirects.forms import ConfirmImportManagementForm

    clean = ConfirmImportManagementForm.clean
    if getattr(clean, "checks_fields", False):
        return

    def checked_clean(self):
        if not {"import_file_name", "input_format"} <= self.cleaned_data.keys():
            raise forms.ValidationError("The import's hidden fields are missing.")
        return clean(self)

    checked_clean.checks_fields = True
    ConfirmImportManagementForm.clean = checked_clean

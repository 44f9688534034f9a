"""Admin details of the CMS: labels Wagtail leaves untranslatable."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import choosers

# Wagtail's link choosers label these fields from their names ("Email address"), which no
# catalogue can translate: give them translatable labels.
for form, labels in (
    (choosers.ExternalLinkChooserForm, {"link_text": _("Link text")}),
    (choosers.AnchorLinkChooserForm, {"link_text": _("Link text")}),
    (
        choosers.EmailLinkChooserForm,
        {"email_address": _("Email address"), "link_text": _("Link text"), "subject": _("Subject"), "body": _("Body")},
    ),
    (choosers.PhoneLinkChooserForm, {"phone_number": _("Phone number"), "link_text": _("Link text")}),
):
    for name, label in labels.items():
        form.base_fields[name].label = label

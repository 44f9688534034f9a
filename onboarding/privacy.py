"""The notice shown where the personal ID number and the bank account are collected.

Decree 13/2023/NĐ-CP on the protection of personal data asks for the data subject's consent,
informed of what is processed, why, by whom and for how long, and for proof of it. The text
is versioned: a consent (``DataConsent``) records the version and the exact text shown, and a
new version asks again.
"""

from django.utils.translation import gettext as _

NOTICE_VERSION = "2025-12"


def notice_text() -> str:
    return _(
        "Your personal ID number (CCCD) and your bank account are personal data (Decree 13/2023/NĐ-CP). "
        "OCOP Market uses them only to check who sells and to pay you for your orders. Only the officers "
        "of your commune and the site's staff see them; the account number is shown to others masked. "
        "They are kept while your stall is open; you may ask to see, correct or delete them, or withdraw "
        "your consent, through your officer."
    )


def consent_label(*, on_behalf: bool) -> str:
    if on_behalf:
        return _("The household has read this notice and agrees that its data are processed for these purposes.")
    return _("I agree that my data are processed for these purposes.")

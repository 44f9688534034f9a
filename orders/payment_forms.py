"""Forms of the payment steps: the test card, a refund, a bank statement upload."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.money import format_vnd

from .payments import TEST_CARDS


class TestCardForm(forms.Form):
    card = forms.ChoiceField(
        label=_("Test card"),
        choices=[(card.key, card.label) for card in TEST_CARDS],
        initial="success",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of the test cards."),
            "invalid_choice": _("Choose one of the test cards."),
        },
    )


class RefundForm(forms.Form):
    group = forms.TypedChoiceField(label=_("Stall part"), coerce=int, required=False, empty_value=None)
    amount = forms.IntegerField(
        label=_("Amount to refund (đồng)"),
        min_value=1,
        error_messages={
            "required": _("Enter the amount to refund, in đồng."),
            "invalid": _("Enter the amount as a whole number of đồng, for example 50000."),
            "min_value": _("Enter an amount of at least 1 ₫."),
        },
    )
    reason = forms.CharField(
        label=_("Reason (the buyer sees it)"),
        max_length=300,
        error_messages={"required": _("Give the reason for the refund.")},
    )

    def __init__(self, *args, groups=(), allow_whole=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = {g.pk: g for g in groups}
        self.allow_whole = allow_whole and len(self.groups) > 1
        choices = [("", _("The whole order"))] if self.allow_whole else []
        choices += [(g.pk, f"{g.stall.name} · {format_vnd(g.total)}") for g in self.groups.values()]
        self.fields["group"].choices = choices
        self.fields["group"].required = not self.allow_whole
        self.fields["group"].error_messages["required"] = _("Choose a stall part of this order.")
        self.fields["amount"].widget.attrs.update({"inputmode": "numeric"})

    def clean_group(self):
        pk = self.cleaned_data.get("group")
        if pk is None and self.allow_whole:
            return None
        if pk not in self.groups:
            raise forms.ValidationError(_("Choose a stall part of this order."))
        return self.groups[pk]


class BankStatementForm(forms.Form):
    statement = forms.FileField(
        label=_("Bank statement (CSV file)"),
        help_text=_(
            "Export the account's transactions from the bank as CSV. The first line names the columns: "
            "the amount (“Số tiền” or “Amount”) and the description (“Nội dung” or “Description”)."
        ),
        error_messages={"required": _("Choose the CSV file of the bank statement.")},
    )

    def clean_statement(self):
        upload = self.cleaned_data["statement"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(mb)s MB).") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Upload a .csv file. In Excel: File › Save as › CSV UTF-8."))
        return upload

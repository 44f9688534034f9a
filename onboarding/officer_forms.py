"""Forms of the officer screens (queue filters, assisted listing, review actions)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop_market.phone import VietnamesePhoneField

from .models import Application


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    commune = forms.ChoiceField(label=_("Commune or ward"), required=False)

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states")), *Application.State.choices]
        self.fields["commune"].choices = [("", _("All my communes"))] + [(c.pk, c.name) for c in communes]


class AssistedHouseholdForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name of the representative"),
        max_length=120,
        help_text=_("Family name first, as on the ID card: Nguyễn Văn An."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = VietnamesePhoneField(
        label=_("Household's phone number"),
        help_text=_("The household logs in with this number."),
    )

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Write the representative's full name."))
        return name


class CommentForm(forms.Form):
    field = forms.CharField(label=_("About"), required=False, max_length=60)
    text = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class RequestChangesForm(forms.Form):
    comment = forms.CharField(
        label=_("What must the household change?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

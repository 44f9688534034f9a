"""Forms of the officer screens (queue filters, assisted listing, review actions)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.phone import VietnamesePhoneField
from producers.models import Producer

from .models import Application

LANGUAGE_FILTER_CHOICES = [("", _("All languages")), *Producer.Language.choices]


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    commune = forms.ChoiceField(label=_("Commune or ward"), required=False)
    language = forms.ChoiceField(label=_("Household's language"), required=False, choices=LANGUAGE_FILTER_CHOICES)
    no_smartphone = forms.BooleanField(label=_("Only households without a smartphone"), required=False)

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
    language = forms.ChoiceField(
        label=_("Household's language"),
        choices=Producer.Language.choices,
        initial=Producer.Language.VIETNAMESE,
        required=False,
        help_text=_("Its receipts and short messages are written in this language."),
    )
    no_smartphone = forms.BooleanField(
        label=_("The household has no smartphone"),
        required=False,
        help_text=_("You will receive its notifications too, and can print its receipt."),
    )

    def clean_language(self):
        return self.cleaned_data["language"] or Producer.Language.VIETNAMESE

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


class HouseholdNeedsForm(forms.Form):
    language = forms.ChoiceField(label=_("Household's language"), choices=Producer.Language.choices)
    no_smartphone = forms.BooleanField(label=_("The household has no smartphone"), required=False)


class PhoneReplyForm(forms.Form):
    """What the household said on the phone, written down by the officer."""

    kind = forms.ChoiceField(
        label=_("The household, on the phone"),
        choices=[
            ("confirm", _("confirms the listing as I read it out")),
            ("answer", _("answers a comment")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.ModelChoiceField(
        label=_("Comment answered"), queryset=None, required=False, empty_label=_("Choose the comment")
    )
    text = forms.CharField(
        label=_("What the household said"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].queryset = application.comments.order_by("created_at", "pk")

    def clean(self):
        data = super().clean()
        if data.get("kind") == "answer":
            if not data.get("comment"):
                self.add_error("comment", _("Choose the comment the household answered."))
            if not (data.get("text") or "").strip():
                self.add_error("text", _("Write what the household answered."))
        return data

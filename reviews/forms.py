from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from onboarding.forms import MultipleFileField, MultipleFileInput
from onboarding.uploads import clean_image

from .services import MAX_PHOTOS

RATING_CHOICES = [
    (5, pgettext_lazy("rating", "5 stars: excellent")),
    (4, pgettext_lazy("rating", "4 stars: good")),
    (3, pgettext_lazy("rating", "3 stars: fair")),
    (2, pgettext_lazy("rating", "2 stars: poor")),
    (1, pgettext_lazy("rating", "1 star: very poor")),
]
MIN_TEXT = 10


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose from 1 to 5 stars."),
            "invalid_choice": _("Choose from 1 to 5 stars."),
        },
    )
    text = forms.CharField(
        label=_("Your review"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What did you like, what could be better? At least 10 characters."),
        error_messages={"required": _("Write a few words about the product.")},
    )
    author_name = forms.CharField(
        label=_("Name shown with the review"),
        max_length=60,
        error_messages={"required": _("Write the name to show with your review.")},
    )
    photos = MultipleFileField(
        label=_("Photos (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
        help_text=_("Up to 3 photos of what you received, at most 10 MB each."),
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < MIN_TEXT:
            raise ValidationError(
                _("Write at least %(n)s characters: a few words about the product.") % {"n": MIN_TEXT}, code="short"
            )
        return text

    def clean_photos(self):
        files = [f for f in (self.cleaned_data.get("photos") or []) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(
                ngettext(
                    "You chose %(chosen)s photos: add at most %(n)s.",
                    "You chose %(chosen)s photos: add at most %(n)s.",
                    len(files),
                )
                % {"chosen": len(files), "n": MAX_PHOTOS},
                code="too_many",
            )
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append(clean_image(upload))
            except ValidationError as exc:
                errors.extend(f"{upload.name}: {message}" for message in exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    note = forms.CharField(label=_("Reason (when not published)"), max_length=300, required=False)


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("The stall's answer"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the answer first.")},
    )

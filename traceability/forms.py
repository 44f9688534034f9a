from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.models import Product
from producers.models import Commune

from .models import PHOTO_MAX_BYTES, Batch, Standard, TraceEvent
from .pdf import LAYOUTS, MAX_STAMPS
from .services import EventData

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class BatchForm(forms.ModelForm):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    standards = forms.MultipleChoiceField(
        label=_("Standards applied"),
        choices=Standard.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Batch
        fields = [
            "product",
            "code",
            "produced_on",
            "packed_on",
            "expires_on",
            "expiry_kind",
            "quantity",
            "quantity_unit",
            "standards",
            "gtin",
        ]
        widgets = {
            "produced_on": DateInput(),
            "packed_on": DateInput(),
            "expires_on": DateInput(),
            "quantity": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "gtin": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products if products is not None else Product.objects.none()
        self.fields["quantity_unit"].required = False
        self.fields["produced_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["packed_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class EventForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=[])
    commune = forms.ModelChoiceField(
        label=_("Commune / ward"),
        queryset=Commune.objects.all(),
        error_messages={
            "invalid_choice": _("Choose a commune or ward of the administrative units in force since 2025.")
        },
    )
    occurred_at = forms.DateTimeField(label=_("Time"), input_formats=[DATETIME_FORMAT], widget=DateTimeInput())
    note = forms.CharField(label=pgettext_lazy("trace event", "Note"), max_length=500, required=False)
    photo = forms.ImageField(label=_("Photo (optional)"), required=False)

    def __init__(self, *args, communes=(), corrections=False, default_commune=None, **kwargs):
        super().__init__(*args, **kwargs)
        if default_commune is not None:
            self.fields["commune"].initial = default_commune
        stages = [c for c in TraceEvent.Stage.choices if corrections or c[0] != TraceEvent.Stage.CORRECTION]
        self.fields["stage"].choices = [("", "—"), *stages]
        # The select lists the communes of the stall's province; any unit of 2025 is accepted.
        self.fields["commune"].widget.choices = [("", "—"), *((c.pk, c.name) for c in communes)]
        self.fields["occurred_at"].widget.attrs["max"] = timezone.localtime().strftime(DATETIME_FORMAT)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > PHOTO_MAX_BYTES:
            raise ValidationError(_("The photo is larger than 5 MB: take it again at a lower resolution."))
        return photo

    def event(self) -> EventData:
        data = self.cleaned_data
        return EventData(
            stage=data["stage"],
            commune=data["commune"],
            occurred_at=data["occurred_at"],
            note=data.get("note", ""),
            photo=data.get("photo"),
        )


class BaseEventFormSet(forms.BaseFormSet):
    def __init__(self, *args, communes=(), default_commune=None, **kwargs):
        self.communes = communes
        self.default_commune = default_commune
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"communes": self.communes, "default_commune": self.default_commune}

    def filled_forms(self):
        return [f for f in self.forms if f.has_changed() and f.cleaned_data.get("stage")]


EventFormSet = forms.formset_factory(EventForm, formset=BaseEventFormSet, extra=3, max_num=10, absolute_max=10)


class StampForm(forms.Form):
    layout = forms.ChoiceField(label=_("Label sheet"), choices=[], widget=forms.RadioSelect, initial="3x8")
    count = forms.IntegerField(
        label=_("Number of stamps"),
        max_value=MAX_STAMPS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["layout"].choices = [(key, layout.label) for key, layout in LAYOUTS.items()]

    def clean_count(self):
        count = self.cleaned_data["count"]
        if count < 1:
            raise ValidationError(_("Print at least one stamp."))
        return count

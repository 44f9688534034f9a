from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.phone import PhoneInput, VietnamesePhoneField, normalize_vn_phone
from core.widgets import FastCheckboxInput, FastEmailInput, FastSelect, FastTextarea, FastTextInput
from producers.models import Commune, Province
from traceability.queries import batches_of_product

from . import payments
from .models import FulfilmentGroup, Order


def card_payments_available() -> bool:
    """The payment provider's health probe; False when it fails."""
    try:
        return bool(payments.card_payments_available())
    except Exception:
        return False


class PaymentMethodWidget(forms.RadioSelect):
    """Radio buttons whose card option can be shown disabled."""

    def __init__(self, *args, disabled_values=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled_values = set(disabled_values)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
            option["selected"] = False
            option["attrs"].pop("checked", None)
        return option


class CheckoutForm(forms.Form):
    # The widgets write their HTML in Python: the checkout is rendered on every visit to it
    # (and again after each invalid submit), and Django's widget templates were a third of it.
    buyer_name = forms.CharField(label=_("Full name"), max_length=120, widget=FastTextInput)
    buyer_phone = VietnamesePhoneField(
        label=_("Phone number"), help_text=_("For the delivery and your order's confirmation.")
    )
    buyer_email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_("We send the confirmation there too."),
        widget=FastEmailInput,
    )
    province = forms.ModelChoiceField(
        label=_("Province / city"),
        queryset=Province.objects.order_by("name"),
        empty_label=_("Choose…"),
        widget=FastSelect,
    )
    commune = forms.ModelChoiceField(
        label=_("Commune / ward"), queryset=Commune.objects.none(), empty_label=_("Choose…"), widget=FastSelect
    )
    street_address = forms.CharField(label=_("House number, street, hamlet"), max_length=200, widget=FastTextInput)
    note = forms.CharField(
        label=_("Note for the stalls (optional)"),
        required=False,
        max_length=500,
        widget=FastTextarea(attrs={"rows": 2}),
    )
    payment_method = forms.ChoiceField(label=_("Payment"), choices=Order.PaymentMethod.choices)
    # Offered to signed-in buyers only (the view removes it otherwise).
    save_address = forms.BooleanField(
        label=_("Save this address in my account"), required=False, initial=True, widget=FastCheckboxInput
    )

    def __init__(self, *args, card_available=True, signed_in=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.card_available = card_available
        if not signed_in:
            del self.fields["save_address"]
        disabled = () if card_available else (Order.PaymentMethod.CARD.value,)
        self.fields["payment_method"].widget = PaymentMethodWidget(
            choices=self.fields["payment_method"].choices, disabled_values=disabled
        )
        self.fields["buyer_name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["buyer_email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["street_address"].widget.attrs.update({"autocomplete": "address-line1"})
        province_code = self.data.get(self.add_prefix("province")) or self.initial.get("province")
        if isinstance(province_code, Province):
            province_code = province_code.pk
        if province_code and Province.objects.filter(pk=str(province_code)).exists():
            self.fields["commune"].queryset = Commune.objects.filter(province_id=province_code).order_by("name")
            self.province_chosen = True
            self.province_code = str(province_code)
        else:
            self.province_chosen = False
            self.province_code = None

    def clean_buyer_name(self):
        name = " ".join(self.cleaned_data["buyer_name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Enter the name of the person who receives the parcel."))
        return name

    def clean_street_address(self):
        street = " ".join(self.cleaned_data["street_address"].split())
        if len(street) < 3:
            raise forms.ValidationError(_("Enter the house number and street, or the hamlet."))
        return street

    def clean_payment_method(self):
        method = self.cleaned_data["payment_method"]
        if method == Order.PaymentMethod.CARD and not self.card_available:
            raise forms.ValidationError(
                _("Card payment is not available right now: choose VietQR or cash on delivery.")
            )
        return method

    def clean(self):
        data = super().clean()
        province, commune = data.get("province"), data.get("commune")
        if province and commune and commune.province_id != province.pk:
            self.add_error("commune", _("This commune or ward is not in the chosen province."))
        return data


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Order number"), max_length=20, help_text=_("e.g. OCOP-2026-000123"))
    phone = forms.CharField(
        label=_("Phone number used for the order"),
        max_length=20,
        widget=PhoneInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()

    def clean_phone(self):
        return normalize_vn_phone(self.cleaned_data["phone"])


class GroupActionForm(forms.Form):
    ACTIONS = [
        (FulfilmentGroup.Status.PREPARING.value, _("Preparing")),
        (FulfilmentGroup.Status.SHIPPED.value, _("Shipped")),
        (FulfilmentGroup.Status.DELIVERED.value, _("Delivered")),
        ("cancel", _("Cancel")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60, required=False)
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == FulfilmentGroup.Status.SHIPPED and not (data.get("tracking_number") or "").strip():
            self.add_error("tracking_number", _("Enter the tracking number of the parcel to mark it shipped."))
        if action == "cancel" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for cancelling: the buyer will see it."))
        return data


class LineBatchForm(forms.Form):
    """The production batch an order line shipped from: a published batch of the line's product."""

    batch = forms.ModelChoiceField(label=_("Batch shipped"), queryset=None, required=False)

    def __init__(self, *args, line, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = batches_of_product(line.product_id)


class BuyerSignInForm(forms.Form):
    phone = VietnamesePhoneField(
        label=_("Your phone number"), help_text=_("We send a 6-digit code to it by text message.")
    )


class BuyerCodeForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("sign-in", "Code"), max_length=12, help_text=_("The 6 digits from the text message.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("The code has 6 digits."))
        return code

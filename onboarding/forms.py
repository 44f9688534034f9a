"""Forms of the household side: accounts, and one form per wizard step.

Every step saves on its own: fields may be left empty (the checklist says what is still
missing), but what is typed must be valid, or nothing of that step is saved.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from catalog.models import Category
from core.money import PriceError, parse_vnd
from core.phone import VietnamesePhoneField, display_vn_phone
from producers.banks import bank_choices, holder_matches, holder_name_key
from producers.models import Commune, Producer, Province

from .accounts import login_username, phone_is_taken, phone_taken_error
from .models import Application, ApplicationProduct
from .privacy import consent_label
from .services import has_data_consent
from .uploads import check_size, clean_certificate_scan, clean_image

TAX_CODE = RegexValidator(r"^\d{10}(-\d{3})?$", _("A tax code has 10 digits, or 10 digits, a dash and 3 digits."))
PERSONAL_ID = RegexValidator(r"^\d{12}$", _("A personal ID number (CCCD) has 12 digits."))
ACCOUNT_NUMBER = RegexValidator(r"^[0-9A-Za-z]{4,19}$", _("An account number has 4 to 19 letters or digits."))


def _digits(value: str) -> str:
    return "".join((value or "").split()).replace(".", "")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# --- accounts ---------------------------------------------------------------------------


class RegisterForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = VietnamesePhoneField(label=_("Phone number"), help_text=_("This number is your login name."))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    province = forms.ModelChoiceField(
        label=_("Province or city where you produce"),
        queryset=Province.objects.none(),
        required=False,
        empty_label=_("Choose the province"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.order_by("slug")

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if phone and phone_is_taken(phone):
            raise phone_taken_error()
        return phone

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            probe = get_user_model()(username=data.get("phone") or "", first_name=data.get("full_name") or "")
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Phone number or user name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        username, password = data.get("username"), data.get("password")
        if username and password:
            self.user = authenticate(self.request, username=login_username(username), password=password)
            if self.user is None and login_username(username) != username.strip():
                self.user = authenticate(self.request, username=username.strip(), password=password)
            if self.user is None or not self.user.is_active:
                raise forms.ValidationError(
                    _("The phone number or the password is not right. Check them and try again."), code="invalid_login"
                )
        return data


# --- personal data (Decree 13/2023/NĐ-CP) ----------------------------------------------


class DataConsentMixin:
    """Adds the consent box under the privacy notice while the household has not agreed to the
    notice in force; typing an ID number or an account number then needs the box ticked."""

    consent_for = ("personal_id", "account_number")
    wants_data_consent = False

    def _add_consent_field(self, *, on_behalf: bool):
        self.consent_given = has_data_consent(self.instance)
        if not self.consent_given:
            self.fields["data_consent"] = forms.BooleanField(label=consent_label(on_behalf=on_behalf), required=False)

    def _check_consent(self, data):
        if self.consent_given:
            return
        typed = any(data.get(name) for name in self.consent_for if name in self.fields)
        if typed and not data.get("data_consent"):
            self.add_error(
                "data_consent",
                _("Tick the box to agree, or leave the ID number and the account number empty for now."),
            )
        self.wants_data_consent = bool(typed and data.get("data_consent"))


def _clean_personal_id(value):
    value = _digits(value)
    if value:
        PERSONAL_ID(value)
    return value


def _clean_account_number(value):
    value = _digits(value).replace("-", "")
    if value:
        ACCOUNT_NUMBER(value)
    return value


def _clean_holder(value, representative):
    value = " ".join((value or "").split())
    if value and representative and not holder_matches(value, representative):
        raise forms.ValidationError(
            _("The account holder must be the representative, %(name)s. Use an account in that name.")
            % {"name": representative}
        )
    return value


class QuickStallForm(DataConsentMixin, forms.ModelForm):
    """Everything about the household and its stall on one screen: the stall, the address, the
    ID number and the bank account (with the privacy notice). Each field may stay empty (the
    checklist says what is still missing before sending), but what is typed must be valid."""

    class Meta:
        model = Application
        fields = [
            "stall_name",
            "story",
            "province",
            "commune",
            "street_address",
            "personal_id",
            "bank_bin",
            "account_number",
            "account_holder",
        ]
        labels = {
            "stall_name": _("Stall name"),
            "story": _("Your story"),
            "province": _("Province or city (2025)"),
            "commune": _("Commune or ward (2025)"),
            "street_address": _("House number, street, hamlet or village"),
            "personal_id": _("Personal ID number (CCCD, 12 digits)"),
            "bank_bin": _("Bank"),
            "account_number": _("Account number"),
            "account_holder": _("Account holder (as printed by the bank)"),
        }
        help_texts = {
            "account_holder": _("Left empty: the representative's name, as banks print it."),
            "stall_name": _("The name buyers see, e.g. “Mật ong Bà Tư”."),
            "story": _("A few sentences: who you are, how you make your products."),
        }
        widgets = {"story": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, with_address=True, on_behalf=False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_address:
            self.fields["province"].queryset = Province.objects.order_by("slug")
            self.fields["province"].empty_label = _("Choose the province")
            chosen = self.instance.province_id
            if self.is_bound and self.data.get(self.add_prefix("province")):
                chosen = self.data.get(self.add_prefix("province"))
            self.fields["commune"].queryset = (
                Commune.objects.filter(province_id=chosen).order_by("short_name") if chosen else Commune.objects.none()
            )
            self.fields["commune"].empty_label = _("Choose the commune or ward")
            self.fields["commune"].label_from_instance = lambda c: c.name
        else:
            del self.fields["province"], self.fields["commune"]
        self.fields["personal_id"].max_length = 20
        self.fields["personal_id"].validators = []
        self.fields["personal_id"].widget.attrs.update({"inputmode": "numeric", "maxlength": "20"})
        self.fields["bank_bin"].widget = forms.Select(choices=[("", _("Choose your bank"))] + bank_choices())
        self.fields["account_number"].max_length = 30
        self.fields["account_number"].validators = []
        self.fields["account_number"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        rep = self.instance.representative
        if rep and not self.instance.account_holder and not self.is_bound:
            self.initial["account_holder"] = holder_name_key(rep)
        self._add_consent_field(on_behalf=on_behalf)

    def clean_personal_id(self):
        return _clean_personal_id(self.cleaned_data.get("personal_id", ""))

    def clean_account_number(self):
        return _clean_account_number(self.cleaned_data.get("account_number", ""))

    def clean_account_holder(self):
        return _clean_holder(self.cleaned_data.get("account_holder", ""), self.instance.representative)

    def clean_bank_bin(self):
        value = self.cleaned_data.get("bank_bin", "")
        if value and value not in {b for b, _l in bank_choices()}:
            raise forms.ValidationError(_("Choose a bank from the list of VietQR banks."))
        return value

    def clean(self):
        data = super().clean()
        province, commune = data.get("province"), data.get("commune")
        if commune and province and commune.province_id != province.pk:
            self.add_error("commune", _("This commune or ward is not in the chosen province."))
        self._check_consent(data)
        return data

    def save(self, commit=True):
        app = super().save(commit=False)
        if not app.legal_name.strip() and app.producer_kind == Producer.Kind.HOUSEHOLD:
            # A farm household sells under its representative's name.
            app.legal_name = app.representative
        if app.account_number and not app.account_holder.strip() and app.representative:
            # Banks print the holder as the name without diacritics, in capitals.
            app.account_holder = holder_name_key(app.representative)
        if "commune" in self.fields and app.commune_id not in (app.address_candidates or []):
            app.address_candidates = []
            app.address_confirmed_by = None
        if commit:
            app.save()
        return app


# --- wizard steps -----------------------------------------------------------------------


class ProducerStepForm(DataConsentMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = ["producer_kind", "legal_name", "representative", "tax_code", "personal_id"]
        labels = {
            "producer_kind": _("Who sells"),
            "legal_name": _("Name of the household, cooperative or business"),
            "representative": _("Representative (full name)"),
            "tax_code": _("Tax code"),
            "personal_id": _("Personal ID number (CCCD, 12 digits)"),
        }
        help_texts = {
            "tax_code": _("A household without a tax code gives its personal ID number instead."),
        }
        widgets = {"producer_kind": forms.RadioSelect}

    def __init__(self, *args, on_behalf=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer_kind"].choices = Producer.Kind.choices
        # Typed with spaces ("0791 2345 6789"): the length is checked after the spaces are removed.
        for name in ("tax_code", "personal_id"):
            field = self.fields[name]
            field.max_length = 20
            field.validators = []
            field.widget.attrs.update({"inputmode": "numeric", "maxlength": "20"})
        self._add_consent_field(on_behalf=on_behalf)

    def clean(self):
        data = super().clean()
        self._check_consent(data)
        return data

    def clean_tax_code(self):
        value = "".join(self.cleaned_data.get("tax_code", "").split())
        if value:
            TAX_CODE(value)
        return value

    def clean_personal_id(self):
        value = _digits(self.cleaned_data.get("personal_id", ""))
        if value:
            PERSONAL_ID(value)
        return value

    def clean_legal_name(self):
        return " ".join(self.cleaned_data.get("legal_name", "").split())

    def clean_representative(self):
        return " ".join(self.cleaned_data.get("representative", "").split())


class StallStepForm(forms.ModelForm):
    phone = VietnamesePhoneField(
        label=_("Phone number for buyers"), required=False, help_text=_("For example 0912 345 678.")
    )

    class Meta:
        model = Application
        fields = ["stall_name", "story", "phone"]
        labels = {"stall_name": _("Stall name"), "story": _("Your story")}
        help_texts = {
            "stall_name": _("The name buyers see, e.g. “Mật ong Bà Tư”."),
            "story": _("A few sentences: who you are, how you make your products."),
        }
        widgets = {"story": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.phone:
            self.initial["phone"] = display_vn_phone(self.instance.phone)


class AddressStepForm(forms.ModelForm):
    """The 2025 address: province, then commune/ward of that province (no script needed)."""

    class Meta:
        model = Application
        fields = ["province", "commune", "street_address"]
        labels = {
            "province": _("Province or city (2025)"),
            "commune": _("Commune or ward (2025)"),
            "street_address": _("House number, street, hamlet or village"),
        }

    def __init__(self, *args, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.order_by("slug")
        self.fields["province"].empty_label = _("Choose the province")
        chosen = province or self.instance.province_id
        if self.is_bound and self.data.get(self.add_prefix("province")):
            chosen = self.data.get(self.add_prefix("province"))
        communes = (
            Commune.objects.filter(province_id=chosen).order_by("short_name") if chosen else Commune.objects.none()
        )
        self.fields["commune"].queryset = communes
        self.fields["commune"].empty_label = _("Choose the commune or ward")
        self.fields["commune"].label_from_instance = lambda c: c.name

    def clean(self):
        data = super().clean()
        province, commune = data.get("province"), data.get("commune")
        if commune and province and commune.province_id != province.pk:
            self.add_error("commune", _("This commune or ward is not in the chosen province."))
        return data


class LegacyAddressForm(forms.Form):
    legacy_address = forms.CharField(
        label=_("Old address (before July 2025)"),
        max_length=300,
        help_text=_("Commune, district, province as written before, e.g. “xã Hòa Liên, huyện Hòa Vang, Đà Nẵng”."),
    )


class CandidateForm(forms.Form):
    """The household (or officer) chooses among the 2025 units proposed for an old address."""

    commune = forms.ChoiceField(label=_("Which is your commune or ward now?"), widget=forms.RadioSelect)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(c.code, f"{c.name}, {c.province.short_name}") for c in candidates]


def category_choices():
    rows = list(Category.objects.select_related("parent").order_by("sort_order", "name"))
    groups: dict = {}
    tops = []
    for c in rows:
        if c.parent_id:
            groups.setdefault(c.parent_id, []).append(c)
        else:
            tops.append(c)
    choices = [("", _("Choose a product group"))]
    for top in tops:
        children = groups.get(top.pk, [])
        if children:
            choices.append((top.display_name, [(c.pk, f"{c.code} {c.display_name}".strip()) for c in children]))
        else:
            choices.append((top.pk, f"{top.code} {top.display_name}".strip()))
    return choices


class ProductForm(forms.ModelForm):
    price = forms.CharField(
        label=_("Price (đồng)"),
        required=False,
        max_length=20,
        help_text=_("For example 150000 or 150.000."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = ApplicationProduct
        fields = [
            "name",
            "category",
            "short_description",
            "description",
            "unit",
            "price",
            "stock",
            "weight_grams",
            "packaged_food",
        ]
        labels = {
            "name": _("Product name"),
            "category": _("Product group"),
            "short_description": _("Short description"),
            "description": _("Description"),
            "unit": _("Unit of sale"),
            "stock": _("How many can you sell now"),
            "weight_grams": _("Weight (grams)"),
            "packaged_food": _("This is packaged food"),
        }
        help_texts = {"unit": _("kg, hộp, chai, túi …")}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget = forms.Select(choices=category_choices())
        self.fields["stock"].required = False
        self.fields["stock"].help_text = _("The number of units ready to send, e.g. 20. With 0 it shows as sold out.")
        self.fields["stock"].widget.attrs.update({"inputmode": "numeric", "min": "0", "placeholder": "20"})
        if not self.is_bound and self.instance.pk is None:
            self.initial["stock"] = None
        if "weight_grams" in self.fields:
            self.fields["weight_grams"].widget.attrs.update({"inputmode": "numeric", "min": "0"})
        if self.instance.price is not None and not self.is_bound:
            self.initial["price"] = f"{self.instance.price:,}".replace(",", ".")

    def clean_price(self):
        try:
            value = parse_vnd(self.cleaned_data.get("price"))
        except PriceError as exc:
            raise forms.ValidationError(str(exc), code="bad_price") from exc
        if value is None:
            return None
        if value < 1000:
            raise forms.ValidationError(_("The price looks too low: write it in đồng, e.g. 150000."))
        if value > 1_000_000_000:
            raise forms.ValidationError(_("The price looks too high: write it in đồng, e.g. 150000."))
        return value

    def clean_stock(self):
        stock = self.cleaned_data.get("stock")
        if stock is None:
            if self.instance.pk is not None:
                return self.instance.stock
            raise forms.ValidationError(
                _("Write how many you can sell now, e.g. 20 (write 0 if none is ready yet)."), code="required"
            )
        return stock


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            if not data:
                return single(None, initial)
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class PhotoUploadForm(forms.Form):
    photos = MultipleFileField(
        label=_("Add photos"),
        required=True,
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
        help_text=_("Clear photos in daylight, at most 10 MB each."),
    )

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        for f in files:
            check_size(f)
        return files


class OcopDocumentsMixin:
    """The OCOP certificate as a household fills it in, wherever it is asked: the stars as
    three buttons, the level with a prompt, the scan checked and cleaned (``cleaned_scan``),
    and no stars kept for a product that claims no OCOP."""

    def ocop_widgets(self):
        self.fields["ocop_stars"].widget = forms.RadioSelect(choices=[(3, "3★"), (4, "4★"), (5, "5★")])
        self.fields["ocop_level"].widget = forms.Select(
            choices=[("", _("Choose the level"))] + list(self.fields["ocop_level"].choices)[1:]
        )

    def clean_ocop_scan_upload(self):
        upload = self.cleaned_data.get("ocop_scan_upload")
        self.cleaned_scan = None
        if upload:
            self.cleaned_scan = clean_certificate_scan(upload)
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("ocop_claimed"):
            data["ocop_stars"] = None
        return data


class DocumentsForm(OcopDocumentsMixin, forms.ModelForm):
    ocop_scan_upload = forms.FileField(
        label=_("Scan or photo of the OCOP certificate"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*,application/pdf"}),
        help_text=_("PDF or photo, at most 10 MB. It is only seen by officers."),
    )

    class Meta:
        model = ApplicationProduct
        fields = [
            "ocop_claimed",
            "ocop_stars",
            "ocop_decision_number",
            "ocop_decision_date",
            "ocop_level",
            "packaged_food",
            "food_safety_number",
            "food_safety_date",
            "food_safety_exempt_reason",
        ]
        labels = {
            "ocop_claimed": _("This product has OCOP stars"),
            "ocop_stars": _("Stars"),
            "ocop_decision_number": _("Recognition decision number"),
            "ocop_decision_date": _("Decision date"),
            "ocop_level": _("Recognition level"),
            "packaged_food": _("This is packaged food"),
            "food_safety_number": _("Food-safety self-declaration number"),
            "food_safety_date": _("Self-declaration date"),
            "food_safety_exempt_reason": _("Or: why no self-declaration is needed"),
        }
        widgets = {"ocop_decision_date": DateInput(), "food_safety_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ocop_widgets()


class QuickProductForm(OcopDocumentsMixin, ProductForm):
    """The product, its photo from the phone's camera and its documents on one screen.

    The OCOP and food-safety details sit in sections that open when the product claims them;
    the photo field opens the camera (``capture``) and is required until the product has one.
    """

    photo = forms.FileField(
        label=_("Photo of the product"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Take it in daylight, the product alone on a plain background. At most 10 MB."),
    )
    ocop_scan_upload = DocumentsForm.base_fields["ocop_scan_upload"]

    class Meta(ProductForm.Meta):
        fields = ["name", "category", "price", "unit", "stock", *DocumentsForm.Meta.fields]
        labels = {**ProductForm.Meta.labels, **DocumentsForm.Meta.labels}
        widgets = {**ProductForm.Meta.widgets, **DocumentsForm.Meta.widgets}

    OCOP_FIELDS = ("ocop_claimed", "ocop_stars", "ocop_decision_number", "ocop_decision_date", "ocop_level")
    FOOD_FIELDS = ("packaged_food", "food_safety_number", "food_safety_date", "food_safety_exempt_reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ocop_widgets()
        self.has_photo = self.instance.pk is not None and self.instance.photos.exists()
        # Order of the screen: the product, its photo, then the document sections.
        order = ["name", "category", "price", "unit", "stock", "photo", *self.OCOP_FIELDS, "ocop_scan_upload"]
        self.order_fields(order + list(self.FOOD_FIELDS))

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if upload:
            clean_image(upload)  # refused here, so nothing of the screen is saved
            upload.seek(0)
        elif not self.has_photo:
            raise forms.ValidationError(_("Take a photo of the product."), code="required")
        return upload

    def section_rows(self, rows):
        """The rows split into (product rows, OCOP rows, food-safety rows) for the template."""
        ocop = set(self.OCOP_FIELDS) | {"ocop_scan_upload"}
        food = set(self.FOOD_FIELDS)
        return (
            [r for r in rows if r[0].name not in ocop | food],
            [r for r in rows if r[0].name in ocop],
            [r for r in rows if r[0].name in food],
        )


class PaymentStepForm(DataConsentMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = ["bank_bin", "account_number", "account_holder"]
        labels = {
            "bank_bin": _("Bank"),
            "account_number": _("Account number"),
            "account_holder": _("Account holder (as printed by the bank)"),
        }
        help_texts = {"account_holder": _("It must be the representative's name, e.g. NGUYEN VAN AN.")}

    def __init__(self, *args, on_behalf=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_bin"].widget = forms.Select(choices=[("", _("Choose your bank"))] + bank_choices())
        self.fields["account_number"].max_length = 30
        self.fields["account_number"].validators = []
        self.fields["account_number"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self._add_consent_field(on_behalf=on_behalf)

    def clean(self):
        data = super().clean()
        self._check_consent(data)
        return data

    def clean_bank_bin(self):
        value = self.cleaned_data.get("bank_bin", "")
        if value and value not in {b for b, _l in bank_choices()}:
            raise forms.ValidationError(_("Choose a bank from the list of VietQR banks."))
        return value

    def clean_account_number(self):
        return _clean_account_number(self.cleaned_data.get("account_number", ""))

    def clean_account_holder(self):
        value = " ".join(self.cleaned_data.get("account_holder", "").split())
        rep = self.instance.representative
        if value and rep and not holder_matches(value, rep):
            raise forms.ValidationError(
                _("The account holder must be the representative, %(name)s. Use an account in that name.")
                % {"name": rep}
            )
        return value


class SubmitForm(forms.Form):
    consent = forms.BooleanField(
        label=_("The household has read this application and agrees that I send it on its behalf."),
        required=False,
    )
    comment = forms.CharField(
        label=_("Note for the reviewer (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(forms.Form):
    comment = forms.CharField(label=_("Why (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NewApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you want to do?"), widget=forms.RadioSelect)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0][0]


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
        help_text=_("Fill in the template: one product per row, the first row is the headings."),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        check_size(f)
        return f

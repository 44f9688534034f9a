"""Form widgets written in Python, with the markup of Django's own.

Django renders each widget, and each <option> of a select, through a template: on a
storefront form that is a fifth of the page's time or more (the catalog's filters; the
checkout's address form, rendered on every visit to it). These write the same HTML directly.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    """A <select> whose options are written in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        parts = [format_html("<select{}>", flatatt(final_attrs))]
        for option_value, label in self.choices:
            option = "" if option_value is None else str(option_value)
            selected = " selected" if option in chosen else ""
            parts.append(f'<option value="{escape(option)}"{selected}>{escape(label)}</option>')
        parts.append("</select>")
        return mark_safe("".join(parts))


class FastInputMixin:
    """An <input> written in Python (same attributes as Django's template)."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs.update(type=self.input_type, name=name)
        if isinstance(self, forms.CheckboxInput):
            if self.check_test(value):
                final_attrs["checked"] = True
        else:
            formatted = self.format_value(value)
            if formatted is not None and formatted != "":
                final_attrs["value"] = formatted
        return format_html("<input{}>", flatatt(final_attrs))


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastEmailInput(FastInputMixin, forms.EmailInput):
    pass


class FastNumberInput(FastInputMixin, forms.NumberInput):
    pass


class FastCheckboxInput(FastInputMixin, forms.CheckboxInput):
    pass


class FastHiddenInput(FastInputMixin, forms.HiddenInput):
    pass


class FastTextarea(forms.Textarea):
    """A <textarea> written in Python; like Django's, its text starts on a new line."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        text = self.format_value(value)
        return format_html("<textarea{}>\n{}</textarea>", flatatt(final_attrs), "" if text is None else text)

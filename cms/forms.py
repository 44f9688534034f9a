"""The admin's page form for the CMS pages."""

from wagtail.admin.forms import WagtailAdminPageForm

from core.text import vi_slugify


def fold_slug(slug: str) -> str:
    """A slug with diacritics folded the storefront's way ("đặc-sản" → "dac-san"); ASCII kept as typed."""
    return slug if not slug or slug.isascii() else vi_slugify(slug, max_length=255)


class FoldedSlugPageForm(WagtailAdminPageForm):
    """Folds the slug before Wagtail checks it is free under the parent, so a clash is a form error."""

    def clean_slug(self):
        return fold_slug(self.cleaned_data.get("slug", ""))

"""Shoppers' spellings and synonyms (editors extend them), and the products' folded name
and category as whole words, which the search ranking reads."""

import re

from anyascii import anyascii
from django.db import migrations, models

# The first list: what shoppers type, and what the catalogue calls it (folded).
SYNONYMS = [
    ("cafe", "ca phe"),
    ("caphe", "ca phe"),
    ("coffee", "ca phe"),
    ("cf", "ca phe"),
    ("st 25", "st25"),
    ("st 24", "st24"),
    ("nuoc nam", "nuoc mam"),
    ("nuocmam", "nuoc mam"),
    ("fish sauce", "nuoc mam"),
    ("macca", "mac ca"),
    ("mac-ca", "mac ca"),
    ("macadamia", "mac ca"),
    ("honey", "mat ong"),
    ("artichoke", "atiso"),
    ("actiso", "atiso"),
    ("a ti so", "atiso"),
    ("tea", "tra"),
    ("pepper", "tieu"),
    ("ho tieu", "tieu"),
]

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _fold(text):
    return " ".join(anyascii(text or "").lower().split())


def _words(text):
    words = _NOT_WORD.sub(" ", _fold(text)).split()
    return f" {' '.join(words)} " if words else ""


def _title(name, category):
    # As Product.build_search_title: the name's words, a bar, the category's words.
    return f"{_words(name) or ' '}|{_words(category) or ' '}"


def forwards(apps, schema_editor):
    from core.roles import apply_roles

    Synonym = apps.get_model("catalog", "SearchSynonym")
    for typed, means in SYNONYMS:
        if typed != means:
            Synonym.objects.get_or_create(typed=typed, defaults={"means": means})
    Category = apps.get_model("catalog", "Category")
    Product = apps.get_model("catalog", "Product")
    categories = {}
    for category in Category.objects.select_related("parent"):
        categories[category.pk] = f"{category.parent.name} {category.name}" if category.parent_id else category.name
    batch = []
    for product in Product.objects.only("pk", "name", "category_id").iterator(chunk_size=2000):
        product.search_title = _title(product.name, categories.get(product.category_id, ""))
        batch.append(product)
        if len(batch) == 2000:
            Product.objects.bulk_update(batch, ["search_title"])
            batch = []
    Product.objects.bulk_update(batch, ["search_title"])
    apply_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0009_add_rating_sold_counters"),
        ("producers", "0002_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchSynonym",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "typed",
                    models.CharField(
                        help_text="One or more words, e.g. “cafe” or “nuoc nam”. Diacritics and capitals do not matter.",
                        max_length=100,
                        unique=True,
                        verbose_name="what shoppers type",
                    ),
                ),
                (
                    "means",
                    models.CharField(
                        help_text="The words to search for instead, e.g. “cà phê” or “nước mắm”.",
                        max_length=200,
                        verbose_name="search for",
                    ),
                ),
            ],
            options={
                "verbose_name": "search synonym",
                "verbose_name_plural": "search synonyms",
                "ordering": ["typed"],
            },
        ),
        migrations.AddField(
            model_name="product",
            name="search_title",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]

"""Stories and descriptions published from a household's plain text: ``<br/>``, no bare ``<br>``.

Publishing used Django's ``linebreaks``, which writes ``<p>line<br>line</p>\\n\\n<p>…</p>``;
Wagtail's rich-text editor cannot load an unclosed ``<br>`` ("Unmatched tags: expected br,
got p"), so the admin's edit page of such a stall or product answered 500. The repair writes
the same paragraphs in the form the editor stores (``<br/>``, nothing between paragraphs);
the text shown on the storefront is unchanged.

Backwards: nothing to undo. The repaired rows read the same with the code before this
migration, and writing ``<br>`` back would only break the admin again.
"""

import re

from django.db import migrations

BARE_BR = re.compile(r"<br\s*>", re.IGNORECASE)
BETWEEN_PARAGRAPHS = re.compile(r"</p>\s+<p>")


def repaired(html: str) -> str:
    return BETWEEN_PARAGRAPHS.sub("</p><p>", BARE_BR.sub("<br/>", html))


def repair(apps, schema_editor):
    for app_label, model_name, field in (("producers", "Stall", "story"), ("catalog", "Product", "description")):
        model = apps.get_model(app_label, model_name)
        rows = model.objects.filter(**{f"{field}__icontains": "<br"}).values_list("pk", field)
        for pk, html in list(rows):
            fixed = repaired(html)
            if fixed != html:
                # update(): no save() side effects (slugs, search text, timestamps) in a repair.
                model.objects.filter(pk=pk).update(**{field: fixed})


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_add_feed_changed_at"),
        ("producers", "0003_bank_account_shipping"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop, elidable=True)]

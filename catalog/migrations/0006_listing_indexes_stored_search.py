"""The listing's order as an index; on PostgreSQL, the search document stored next to the text.

``product_status_newest`` serves ``status = 'published' ORDER BY published_at DESC, id DESC``
without sorting (the products of one batch share published_at, so the id matters); on
PostgreSQL it also covers producer_id. ``product_status_price`` and ``_price_desc`` do the
same for the two price sorts.

PostgreSQL only: ``catalog_product.search_document``, a generated column
``to_tsvector('vietnamese_unaccent', search_text)`` kept up to date by the database itself,
with its GIN index. Searching and ranking then read the stored vector instead of
computing it again for every matching row (catalog/search_backends.py). The Django model
does not declare the column: inserts and updates leave it to the database, and SQLite has
none. It replaces the expression index of 0005.
"""

from django.db import migrations, models

FORWARD = [
    # The same index, covering producer_id: a deep page's ids (and the semi-join on the
    # published stalls) come from the index alone. SQLite has no INCLUDE; Django's state
    # knows the index by its name, which stays.
    "DROP INDEX IF EXISTS product_status_newest",
    "CREATE INDEX product_status_newest ON catalog_product (status, published_at DESC, id DESC) "
    "INCLUDE (producer_id)",
    "ALTER TABLE catalog_product ADD COLUMN IF NOT EXISTS search_document tsvector "
    "GENERATED ALWAYS AS (to_tsvector('vietnamese_unaccent'::regconfig, search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS catalog_product_search_document ON catalog_product USING gin (search_document)",
    "DROP INDEX IF EXISTS catalog_product_search_fts",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS catalog_product_search_fts ON catalog_product "
    "USING gin (to_tsvector('vietnamese_unaccent'::regconfig, search_text))",
    "DROP INDEX IF EXISTS catalog_product_search_document",
    "ALTER TABLE catalog_product DROP COLUMN IF EXISTS search_document",
    "DROP INDEX IF EXISTS product_status_newest",
    "CREATE INDEX product_status_newest ON catalog_product (status, published_at DESC, id DESC)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_postgres_search"),
        ("producers", "0003_bank_account_shipping"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="product",
            name="product_status_published",
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["status", "-published_at", "-id"], name="product_status_newest"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["status", "price", "id"], name="product_status_price"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["status", "-price", "id"], name="product_status_price_desc"),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]

"""PostgreSQL search: unaccent and pg_trgm, a Vietnamese text search configuration, GIN indexes.

Nothing happens on other databases (SQLite searches the folded text with LIKE). Creating
the extensions needs a role allowed to (the database owner on PostgreSQL 13+ for these
trusted extensions, or a superuser).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'vietnamese_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION vietnamese_unaccent (COPY = simple);
        ALTER TEXT SEARCH CONFIGURATION vietnamese_unaccent
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
      END IF;
    END $$
    """,
    "CREATE INDEX IF NOT EXISTS catalog_product_search_fts ON catalog_product "
    "USING gin (to_tsvector('vietnamese_unaccent'::regconfig, search_text))",
    "CREATE INDEX IF NOT EXISTS catalog_product_search_trgm ON catalog_product USING gin (search_text gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_product_search_trgm",
    "DROP INDEX IF EXISTS catalog_product_search_fts",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS vietnamese_unaccent",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0004_certificate_level_labels")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]

"""French full-text search on PostgreSQL: unaccent, a `french_unaccent` configuration, a GIN index.

SQLite (the demo) has no such thing; the search falls back to simpler matching there.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
           CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
           ALTER TEXT SEARCH CONFIGURATION french_unaccent
             ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
         END IF;
       END $$""",
    "CREATE INDEX IF NOT EXISTS event_search_gin ON agenda_event USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS event_search_gin",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("agenda", "0004_event_revision_and_search")]
    operations = [migrations.RunPython(forward, backward)]

"""Trigram indexes behind the community picker's search (communities.selectors.community_search): a name or
code *containing* what was typed is `UPPER(x) LIKE UPPER('%q%')`, which no b-tree serves, so a word that
matches few communities read all of the district's (10,500 at x100) before. PostgreSQL only (pg_trgm ships
with it; creating the extension needs the right to, as the migrations' owner has); other databases scan."""

from django.db import migrations

INDEXES = {
    "community_name_trgm": 'UPPER("name"::text)',
    "community_code_trgm": 'UPPER("code"::text)',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "communities_community" '
                              f"USING gin (({expression}) gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ("communities", "0004_scale_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]

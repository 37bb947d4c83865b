"""The data generation (governance/derived.py): a sequence every write through Django moves on. PostgreSQL only:
SQLite caches no derived figure."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS governance_data_generation")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS governance_data_generation")


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0018_count_estimate"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]

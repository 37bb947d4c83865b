"""Seed the grid rules (四(一) coverage, 四(二)2 多网合一 and the level-by-level handling of grid events).
rules_seed creates only the versions that are missing."""

from django.db import migrations


def seed(apps, schema_editor):
    from governance.rules import rules_seed

    rules_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("governance", "0012_stations_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

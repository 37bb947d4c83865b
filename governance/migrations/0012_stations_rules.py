"""Seed the service-station setting rule (三(二): one station per community, two adjacent communities may
share one). rules_seed creates only the versions that are missing."""

from django.db import migrations


def seed(apps, schema_editor):
    from governance.rules import rules_seed

    rules_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("governance", "0011_admissions_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

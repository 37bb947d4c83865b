"""Seed the two rules that refusals and findings now cite instead of invented keys: 四办一中心 (二(三)) and
the residents' committee's one director (三(三)2). rules_seed creates only the versions that are missing."""

from django.db import migrations


def seed(apps, schema_editor):
    from governance.rules import rules_seed

    rules_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("governance", "0005_one_holder_constraints_from_kind_table")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

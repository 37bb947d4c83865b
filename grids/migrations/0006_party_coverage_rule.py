"""Seed the rule of 四(二)1 (a party organisation in every grid, and the party members' model posts and
responsibility areas). rules_seed creates only the versions that are missing."""

from django.db import migrations


def seed(apps, schema_editor):
    from governance.rules import rules_seed

    rules_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("grids", "0005_party_organizations_and_model_posts"), ("governance", "0015_scale_post_street")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

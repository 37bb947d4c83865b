"""Seed the rules of admission lists and tasks pushed down (二(一), 三(五)) and the meeting reminders' lead
times; rules_seed creates only the versions that are missing."""

from django.db import migrations


def seed(apps, schema_editor):
    from governance.rules import rules_seed

    rules_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("governance", "0010_concurrent_party_posts")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

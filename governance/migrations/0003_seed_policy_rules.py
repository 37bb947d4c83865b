from django.db import migrations


def seed(apps, schema_editor):
    from governance.rules import rules_seed

    rules_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

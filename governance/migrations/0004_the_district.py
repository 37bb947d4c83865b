from django.db import migrations


def create_district(apps, schema_editor):
    # The system serves one district; streets and departments hang from it, so it exists from the start.
    District = apps.get_model("governance", "District")
    District.objects.get_or_create(code="640104", defaults={"name": "兴庆区"})


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_seed_policy_rules")]

    operations = [migrations.RunPython(create_district, migrations.RunPython.noop)]

from django.db import migrations


def create_schedules(apps, schema_editor):
    from assessments.beat import beat_schedules_seed

    beat_schedules_seed(apps)


def remove_schedules(apps, schema_editor):
    from assessments.beat import SCHEDULES

    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[entry["name"] for entry in SCHEDULES]).delete()


class Migration(migrations.Migration):
    # Data only: the beat schedule the policy needs (assessments/beat.py).
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]

"""Seed what the stations need from the start: the working-day calendar for the years the pinned
`chinese-calendar` package knows (2004–2026 for 1.11.0), the 33 default service items of 附件2 with their
departments (marked as defaults to confirm), and the daily reminder job as a beat schedule (data)."""

import json

from django.db import migrations


def seed(apps, schema_editor):
    from service_stations.catalogue import calendar_seed, catalogue_seed

    calendar_seed(apps)
    catalogue_seed(apps)
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(minute="30", hour="7", day_of_week="*", day_of_month="*",
                                                        month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.get_or_create(
        name="服务站办件到期与超期提醒",
        defaults={"task": "service_stations.tasks.case_reminders_task", "crontab": schedule, "args": json.dumps([]),
                  "description": "每天07:30提醒站长和经办人：明日到期和已超期的办件（同一办件同一期限只提醒一次）。"},
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="service_stations.tasks.case_reminders_task").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("service_stations", "0003_cases_catalogue_calendar"),
        ("governance", "0007_versions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]

"""Beat runs the assessment reminders every morning (二(四)2: late or missing results are reminded).

Idempotent: the schedule and the task are looked up before they are created."""

from django.db import migrations

TASK_NAME = "考核评分提醒（每日）"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(minute="0", hour="9", day_of_week="*", day_of_month="*",
                                                       month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.get_or_create(name=TASK_NAME, defaults={
        "task": "assessments.tasks.assessment_reminders_task", "crontab": crontab, "enabled": True,
        "description": "未按期提交的评分表每日提醒一次（二(四)2：每年12月20日前报送）。"})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_assessment_schemes_cycles_scores"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]

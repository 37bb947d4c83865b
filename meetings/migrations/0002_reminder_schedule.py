"""Beat schedule as data: every morning at 08:00 (Asia/Shanghai) remind the units whose required meetings
are still missing as the period ends (meetings.tasks.meetings_remind_task). Idempotent."""

from django.db import migrations

TASK_NAME = "会议到期提醒（大工委、联合党委、社区议事园）"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.get_or_create(name=TASK_NAME, defaults={
        "task": "meetings.tasks.meetings_remind_task", "crontab": crontab, "enabled": True,
        "description": "二(四)1、三(一)3、三(三)1：本期结束前仍未召开规定会议的，提醒街道、社区工作人员。"})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]

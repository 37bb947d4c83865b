"""Beat schedule as data: every day at 00:10 (Asia/Shanghai) the grid-worker posts that start or end that day move
their grid's worker (grids.tasks.grid_workers_follow_dated_posts_task, 三(四)2 "人在格中"). Idempotent."""

from django.db import migrations

TASK_NAME = "grids: 专职网格员任职起止日生效（人在格中）"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="10", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.get_or_create(name=TASK_NAME, defaults={
        "task": "grids.tasks.grid_workers_follow_dated_posts_task", "crontab": crontab, "enabled": True,
        "description": "三(四)2：预先录入的专职网格员任职在起始日、离任在终止日更新网格的网格员；重复运行不重复修改。"})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("grids", "0006_party_coverage_rule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]

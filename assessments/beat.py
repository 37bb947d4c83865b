"""The schedules the policy needs, as data (STYLE.md 8): django-celery-beat rows that a data migration
(assessments/migrations/0001_...) creates, and an administrator may then adjust under "Periodic tasks"
in the admin."""

SCHEDULES = [
    {
        "name": "驻区单位赋分报送期限提醒（每日）",
        "task": "assessments.tasks.score_deadline_reminder_task",
        "crontab": {"minute": "0", "hour": "8", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        "description": "每天8时检查政策规定的期限（如驻区单位赋分结果12月20日前报送，二(四)2），临近时记录提醒。",
    },
]


def beat_schedules_seed(apps=None) -> None:
    """Create the schedules that are missing; leave existing ones (an administrator may have changed them)."""
    if apps is None:
        from django.apps import apps
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for entry in SCHEDULES:
        if PeriodicTask.objects.filter(name=entry["name"]).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(timezone="Asia/Shanghai", **entry["crontab"])
        PeriodicTask.objects.create(name=entry["name"], task=entry["task"], crontab=crontab,
                                    description=entry["description"], enabled=True)

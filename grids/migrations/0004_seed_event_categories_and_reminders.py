"""Seed the two-level event catalogue (city-management classes after GB/T 30428.2, and social-governance
classes) as defaults the district administrator confirms and edits, and the hourly beat schedule that
reminds a level which has not acted on an event in time (hours per level, editable in the admin)."""

import json

from django.db import migrations

CATEGORIES = [
    ("CM01", "市容环境", ["私搭乱建", "暴露垃圾", "积存垃圾渣土", "道路不洁", "乱堆物堆料", "焚烧垃圾"]),
    ("CM02", "宣传广告", ["非法小广告", "违规张贴悬挂广告", "占道广告牌"]),
    ("CM03", "施工管理", ["施工扰民", "工地扬尘", "道路遗撒", "无证掘路"]),
    ("CM04", "突发事件", ["路面塌陷", "自来水管破裂", "燃气管道破裂", "下水道堵塞或破损", "道路积水"]),
    ("CM05", "街面秩序", ["无照经营游商", "占道经营", "机动车乱停放", "非机动车乱停放", "店外经营"]),
    ("SG01", "矛盾纠纷", ["邻里纠纷", "家庭纠纷", "物业纠纷", "劳资纠纷"]),
    ("SG02", "安全隐患", ["消防安全隐患", "房屋安全隐患", "燃气安全隐患", "电梯安全隐患"]),
    ("SG03", "民生诉求", ["养老服务", "困难救助", "就业帮扶", "供暖供水"]),
    ("SG04", "治安隐患", ["可疑人员", "治安防范", "网络诈骗"]),
    ("SG05", "特殊人群服务", ["独居老人关爱", "残疾人帮扶", "未成年人关爱"]),
]

REMINDER_TASK = "grids: 催办超时未处理的网格事件"
REMINDER_HOURS = {"grid": 24, "community": 48, "street": 72, "department": 120}


def seed(apps, schema_editor):
    Category = apps.get_model("grids", "EventCategory")
    for code, name, children in CATEGORIES:
        parent, _ = Category.objects.get_or_create(code=code, defaults={"name": name})
        for i, child in enumerate(children, 1):
            Category.objects.get_or_create(code=f"{code}{i:02d}", defaults={"name": child, "parent": parent})
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    Periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    every_hour, _ = Interval.objects.get_or_create(every=1, period="hours")
    Periodic.objects.get_or_create(name=REMINDER_TASK, defaults={
        "task": "grids.tasks.event_reminders_task", "interval": every_hour,
        "kwargs": json.dumps({"hours": REMINDER_HOURS}),
        "description": "各层级超过时限（小时）未处理的网格事件记一次催办提醒；可在此修改各层级时限。"})


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=REMINDER_TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("grids", "0003_grids_ledgers_events"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]

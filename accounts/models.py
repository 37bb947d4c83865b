"""The audit of clerks' accounts: who created, reset, unlocked or revoked which account, when; and of the
Celery beat schedules the district administrator edits in the admin (ScheduleHistory below).

django-simple-history cannot follow Django's User model here (it is contrib's), so every change to an
account made through accounts.services writes one AccountEvent; its history rows put it in the audit trail.
"""

import simple_history
from django.conf import settings
from django.db import models
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from simple_history.models import HistoricalRecords


class AccountEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "新建账号"
        PASSWORD_RESET = "password_reset", "重置密码"
        UNLOCK = "unlock", "解除锁定"
        TOKEN_REVOKE = "token_revoke", "吊销 API 令牌"
        DEACTIVATE = "deactivate", "停用账号"
        ACTIVATE = "activate", "启用账号"
        UPDATE = "update", "修改账号信息"

    when = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                              verbose_name="操作人")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                verbose_name="账号")
    name = models.CharField("登录名", max_length=150)  # kept if the account is ever deleted
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    detail = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "账号变更记录"
        verbose_name_plural = "账号变更记录"
        ordering = ["-when", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.name}"


class ScheduleHistory(HistoricalRecords):
    """History of a Celery beat schedule (django-celery-beat) as the district administrator edits it in the
    admin: who (the request's user, simple-history's middleware), when and each field before and after, in
    the audit trail like the domain's models. The beat scheduler itself saves a task after every run
    (last_run_at, total_run_count) and re-saves the schedules it is configured with at start: such a save
    changes nothing a person edits, and leaves no history row (the trail would fill with 系统 rows)."""

    def post_save(self, instance, created, using=None, **kwargs):
        if not created and not self._edited(instance):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def _edited(self, instance) -> bool:
        latest = getattr(instance, self.manager_name).order_by("-history_date", "-history_id").first()
        if latest is None:
            return True  # edited before its history began: this row is where it starts
        return any(getattr(latest, f.attname) != getattr(instance, f.attname) for f in self.fields_included(instance))


# Celery beat's run bookkeeping, which the scheduler writes and nobody edits, is not history.
BEAT_RUN_FIELDS = ["last_run_at", "total_run_count", "date_changed"]
BEAT_MODELS = [PeriodicTask, CrontabSchedule, IntervalSchedule, SolarSchedule, ClockedSchedule]
BEAT_AUDITED = [model._meta.label for model in BEAT_MODELS]  # accounts.apps registers them with the audit trail


def _register_beat_history() -> None:
    for model in BEAT_MODELS:
        if hasattr(model, "history"):
            continue
        excluded = [name for name in BEAT_RUN_FIELDS if any(f.name == name for f in model._meta.fields)]
        simple_history.register(model, app="accounts", records_class=ScheduleHistory, excluded_fields=excluded)


_register_beat_history()

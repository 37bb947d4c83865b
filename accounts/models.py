"""The audit of clerks' accounts: who created, reset, unlocked or revoked which account, when.

django-simple-history cannot follow Django's User model here (it is contrib's), so every change to an
account made through accounts.services writes one AccountEvent; its history rows put it in the audit trail.
"""

from django.conf import settings
from django.db import models
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

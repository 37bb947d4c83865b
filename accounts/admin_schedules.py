"""Celery beat schedules (django-celery-beat) in the admin for the district administrator, as the README
promises: the role holds no model permissions on them (governance.roles lists the domain's models only),
so their admin classes are re-registered here with the same district-administrator check as accounts.

Each change is audited: the beat models keep a history (accounts.models.ScheduleHistory) that /audit/
shows with who, when and each field before and after, besides the admin's own LogEntry. The task list's
enable / disable / toggle actions wrote with queryset.update(), which leaves no history: here they save
each task instead."""

from django.contrib import admin
from django.utils.translation import gettext as _
from django_celery_beat.models import PeriodicTask, PeriodicTasks

from accounts.services import may_manage_accounts


def _district_admin_may(self, request, obj=None):
    return may_manage_accounts(request.user)


def _saving_each(parent, enabled):
    """A task-list action that saves each task it changes (a history row each), `enabled` None = toggle."""

    def action(self, request, queryset):
        changed = 0
        for task in queryset:
            wanted = (not task.enabled) if enabled is None else enabled
            if task.enabled == wanted:
                continue
            task.enabled = wanted
            if not wanted:
                task.last_run_at = None  # as the package's own disable action does
            task.save()
            changed += 1
        PeriodicTasks.update_changed()
        self.message_user(request, _("已更新 %(count)s 个定时任务。") % {"count": changed})

    action.short_description = getattr(parent, "short_description", "")
    if hasattr(parent, "allowed_permissions"):  # an empty tuple would hide the action
        action.allowed_permissions = parent.allowed_permissions
    return action


def open_beat_schedules_to_the_district_admin(site=admin.site) -> None:
    for model, model_admin in list(site._registry.items()):
        if model._meta.app_label != "django_celery_beat":
            continue
        cls = type(model_admin)
        attrs = {
            name: _district_admin_may for name in ("has_module_permission", "has_view_permission",
                                                    "has_add_permission", "has_change_permission",
                                                    "has_delete_permission")
        }
        if model is PeriodicTask:
            for name, enabled in (("enable_tasks", True), ("disable_tasks", False), ("toggle_tasks", None)):
                if hasattr(cls, name):
                    attrs[name] = _saving_each(getattr(cls, name), enabled)
        wrapped = type(cls.__name__, (cls,), attrs)
        site.unregister(model)
        site.register(model, wrapped)

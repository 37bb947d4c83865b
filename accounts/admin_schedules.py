"""Celery beat schedules (django-celery-beat) in the admin for the district administrator, as the README
promises: the role holds no model permissions on them (governance.roles lists the domain's models only),
so their admin classes are re-registered here with the same district-administrator check as accounts.
Each change is kept in the admin's own log (django.contrib.admin LogEntry: who, when, what)."""

from django.contrib import admin

from accounts.services import may_manage_accounts


def _district_admin_may(self, request, obj=None):
    return may_manage_accounts(request.user)


def open_beat_schedules_to_the_district_admin(site=admin.site) -> None:
    for model, model_admin in list(site._registry.items()):
        if model._meta.app_label != "django_celery_beat":
            continue
        cls = type(model_admin)
        wrapped = type(cls.__name__, (cls,), {
            name: _district_admin_may for name in ("has_module_permission", "has_view_permission",
                                                    "has_add_permission", "has_change_permission",
                                                    "has_delete_permission")
        })
        site.unregister(model)
        site.register(model, wrapped)

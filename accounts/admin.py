"""Accounts in the admin, for the district administrator only: a clerk's new account in one form (login,
role, unit), reset a password, unlock a locked-out account, revoke an API token, switch an account off
and on. Every change goes through accounts.services and is recorded as an AccountEvent (audited)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accounts import services
from accounts.admin_schedules import open_beat_schedules_to_the_district_admin
from accounts.forms import LIST_UNITS, ClerkAccountForm
from accounts.models import AccountEvent
from governance.roles import Role
from governance.scope import scope_for

User = get_user_model()


class DistrictAdminOnly:
    """Visible and usable by the district administrator's role only (not by every staff account)."""

    def has_module_permission(self, request):
        return services.may_manage_accounts(request.user)

    def has_view_permission(self, request, obj=None):
        return services.may_manage_accounts(request.user)


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class ClerkUserAdmin(DistrictAdminOnly, UserAdmin):
    list_display = ["username", "first_name", "role_label", "is_active", "last_login"]
    list_filter = ["is_active", "groups"]
    search_fields = ["username", "first_name"]
    ordering = ["username"]
    fieldsets = [(None, {"fields": ["username", "first_name", "is_active"]}),
                 (_("角色与管理范围"), {"fields": ["role_label", "scope_label", "password_link", "last_login", "date_joined"]})]
    readonly_fields = ["role_label", "scope_label", "password_link", "last_login", "date_joined"]
    actions = ["unlock_accounts", "revoke_tokens", "deactivate_accounts", "activate_accounts"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def has_change_permission(self, request, obj=None):
        return services.may_manage_accounts(request.user)

    def has_add_permission(self, request):
        return services.may_manage_accounts(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # an account is switched off, never deleted: its history names it

    @admin.display(description=_("角色"))
    def role_label(self, obj):
        names = {g.name for g in obj.groups.all()}
        if obj.is_superuser:
            return Role.DISTRICT_ADMIN.label
        return next((r.label for r in Role if r.value in names), "—")

    @admin.display(description=_("管理范围"))
    def scope_label(self, obj):
        from communities.models import Community
        from grids.models import Grid
        from service_stations.models import ServiceStation
        from streets.models import Street

        scope = scope_for(obj)
        if scope.district_wide:
            return _("全区")
        parts = [str(u) for model, ids in [(Street, scope.street_ids), (Community, scope.community_ids),
                                           (ServiceStation, scope.station_ids), (Grid, scope.grid_ids)]
                 for u in model.objects.filter(pk__in=ids)]
        return "、".join(parts) or "—"

    @admin.display(description=_("密码"))
    def password_link(self, obj):
        from django.utils.html import format_html

        return format_html('<a class="button" href="{}">{}</a>', reverse("admin:auth_user_password_change", args=[obj.pk]),
                           _("重置密码"))

    def get_urls(self):
        return [path("new-clerk/", self.admin_site.admin_view(self.clerk_create_view), name="auth_user_clerk_create"),
                *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:auth_user_clerk_create")

    def clerk_create_view(self, request):
        if not services.may_manage_accounts(request.user):
            raise PermissionDenied
        # The station or grid in two steps: the community first (?community=, or posted with LIST_UNITS), then
        # the stations and grids of that community, the only ones the form lists (issue 14).
        listing = request.method == "POST" and LIST_UNITS in request.POST
        initial = {k: request.GET[k] for k in ("community", "role") if request.GET.get(k)}
        form = ClerkAccountForm(request.POST or None, initial=initial, user=request.user)
        if request.method == "POST" and not listing and form.is_valid():
            data = form.cleaned_data
            try:
                user = services.account_create(acting_user=request.user, username=data["username"],
                                               password=data["password1"], role=Role(data["role"]), unit=data["unit"],
                                               display_name=data["display_name"])
            except ValidationError as exc:
                items = exc.message_dict.items() if hasattr(exc, "error_dict") else [("password1", exc.messages)]
                for field, errors in items:
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("已创建账号 %(name)s（%(role)s）。") % {
                    "name": user.username, "role": Role(data["role"]).label})
                return redirect("admin:auth_user_change", user.pk)
        context = {**self.admin_site.each_context(request), "title": _("新建工作人员账号"), "form": form,
                   "opts": self.model._meta, "has_view_permission": True, "listing": listing,
                   "list_units": LIST_UNITS}
        return TemplateResponse(request, "admin/accounts/clerk_create.html", context)

    def save_model(self, request, obj, form, change):
        if not change:
            raise PermissionDenied  # accounts are created by clerk_create_view
        original = User.objects.get(pk=obj.pk)
        data = {name: form.cleaned_data[name] for name in ("username", "first_name", "is_active") if name in form.cleaned_data}
        obj.__dict__.update({k: getattr(original, k) for k in ("username", "first_name", "is_active")})
        services.account_update(acting_user=request.user, account=obj, **data)

    def user_change_password(self, request, id, form_url=""):
        account = get_object_or_404(self.get_queryset(request), pk=id)
        if not services.may_manage_accounts(request.user):
            raise PermissionDenied
        if request.method == "POST":
            form = AdminPasswordChangeForm(account, request.POST)
            if form.is_valid() and form.cleaned_data.get("password1"):
                services.account_password_reset(acting_user=request.user, account=account,
                                                password=form.cleaned_data["password1"])
                messages.success(request, _("已重置 %(name)s 的密码。") % {"name": account.username})
                return redirect(reverse("admin:auth_user_change", args=[account.pk]))
        return super().user_change_password(request, id, form_url)

    @admin.action(description=_("解除登录锁定"))
    def unlock_accounts(self, request, queryset):
        for account in queryset:
            services.account_unlock(acting_user=request.user, account=account)
        messages.success(request, _("已解除 %(n)s 个账号的登录锁定。") % {"n": queryset.count()})

    @admin.action(description=_("吊销 API 令牌"))
    def revoke_tokens(self, request, queryset):
        revoked = sum(services.account_token_revoke(acting_user=request.user, account=a) for a in queryset)
        messages.success(request, _("已吊销 %(n)s 个令牌。") % {"n": revoked})

    @admin.action(description=_("停用账号"))
    def deactivate_accounts(self, request, queryset):
        for account in queryset:
            try:
                services.account_set_active(acting_user=request.user, account=account, active=False)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))

    @admin.action(description=_("启用账号"))
    def activate_accounts(self, request, queryset):
        for account in queryset:
            services.account_set_active(acting_user=request.user, account=account, active=True)


@admin.register(AccountEvent)
class AccountEventAdmin(DistrictAdminOnly, admin.ModelAdmin):
    list_display = ["when", "actor", "name", "action", "detail"]
    list_filter = ["action"]
    search_fields = ["name", "detail"]
    date_hierarchy = "when"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


open_beat_schedules_to_the_district_admin()

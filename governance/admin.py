"""Admin pages for the district administrator. Every save goes through the services (validation,
rules, audit); history is visible on each object through django-simple-history."""

import json
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from governance import services
from governance.exceptions import Conflict
from governance.forms import form_add_service_errors
from governance.models import Department, District, Person, PolicyRule, Post, StationedUnit


class ServiceAdminForm(forms.ModelForm):
    """Runs the admin's service on the submitted change inside a savepoint that is rolled back, so that a
    rule the service refuses shows on its field, as on the pages; save_model then runs it for real."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    service_admin = None  # set by ServiceSaveAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and hasattr(self.instance, "version"):
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.service_admin is None:
            return cleaned
        try:
            with transaction.atomic():
                self.service_admin.run_service(self, acting_user=None, dry_run=True)
                transaction.set_rollback(True)
        except ValidationError as exc:
            form_add_service_errors(self, exc)
        except Conflict as exc:
            self.add_error(None, exc.message)
        return cleaned


class ServiceSaveAdmin(SimpleHistoryAdmin):
    """Saves through the model's services: `create_service(acting_user=, **fields)` for a new row and
    `update_service(acting_user=, <instance_kwarg>=row, expected_version=, **changed)` for a change,
    passing only the fields the form changed and the version it was opened at. Without services it saves
    through services.instance_save (validation, the acting user in the history)."""

    form = ServiceAdminForm
    create_service = None
    update_service = None
    instance_kwarg = "instance"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, ServiceAdminForm):
            form = type(form.__name__, (form,), {"service_admin": self})
        return form

    def run_service(self, form, *, acting_user, dry_run: bool = False):
        model = self.model
        names = {f.name for f in model._meta.concrete_fields} | {f.name for f in model._meta.many_to_many}
        if form.instance.pk is not None and self.update_service is not None:
            data = {n: form.cleaned_data[n] for n in form.changed_data if n in names}
            return type(self).update_service(
                acting_user=acting_user, **{self.instance_kwarg: model._default_manager.get(pk=form.instance.pk)},
                expected_version=form.cleaned_data.get("expected_version"), **data,
            )
        if form.instance.pk is None and self.create_service is not None:
            data = {n: v for n, v in form.cleaned_data.items() if n in names and n != "id"}
            return type(self).create_service(acting_user=acting_user, **data)
        obj = form.instance
        if dry_run:  # no service: the ModelForm validates its instance itself (_post_clean)
            return obj
        if obj.pk is not None and hasattr(obj, "version"):
            obj.version += 1
        return services.instance_save(obj, acting_user=acting_user)

    def save_model(self, request, obj, form, change):
        form.instance = self.run_service(form, acting_user=request.user)

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields went through the service with the row; only inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(ServiceSaveAdmin):
    create_service = services.department_create
    update_service = services.department_update
    instance_kwarg = "department"
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(StationedUnit)
class StationedUnitAdmin(ServiceSaveAdmin):
    create_service = services.stationed_unit_create
    update_service = services.stationed_unit_update
    instance_kwarg = "unit"
    list_display = ["name", "street", "level"]
    list_filter = ["level", "street"]
    list_select_related = ["street"]
    search_fields = ["name"]


class PostInline(admin.TabularInline):
    model = Post
    fk_name = "person"
    extra = 0
    fields = ["kind", "street", "community", "station", "is_secondment", "start_date", "end_date", "approval_reference"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ServiceSaveAdmin):
    create_service = services.person_create
    update_service = services.person_update
    instance_kwarg = "person"
    fields = ["name", "gender", "phone", "id_number", "street", "community", "is_party_member", "is_npc_deputy",
              "community_service_start", "has_violation_record", "user"]
    list_display = ["name", "street", "community", "is_party_member", "is_npc_deputy"]
    list_filter = ["street", "is_party_member", "is_npc_deputy"]
    list_select_related = ["street", "community"]
    search_fields = ["name", "phone", "=id_number"]
    autocomplete_fields = ["street", "community"]
    inlines = [PostInline]



@admin.register(Post)
class PostAdmin(ServiceSaveAdmin):
    create_service = services.post_create
    update_service = services.post_update
    instance_kwarg = "post"
    fields = ["person", "kind", "street", "community", "station", "grid", "staff_category", "is_secondment",
              "is_concurrent", "seconded_from", "secondment_role", "start_date", "end_date", "approval_reference", "note"]
    list_display = ["person", "kind", "street", "community", "station", "is_secondment", "start_date", "end_date", "approval_reference"]
    list_filter = ["kind", "is_secondment", "street"]
    list_select_related = ["person", "street", "community", "station"]
    search_fields = ["person__name", "approval_reference"]
    autocomplete_fields = ["person", "street", "community", "station", "grid"]



@admin.register(PolicyRule)
class PolicyRuleAdmin(ServiceSaveAdmin):
    """A rule changes by adding a version with a later effective date; old versions stay for the past."""

    list_display = ["key", "title", "value", "effective_from", "clause"]
    list_filter = ["clause"]
    search_fields = ["key", "title"]

    def get_readonly_fields(self, request, obj=None):
        # A version already in force has been cited by computed figures: the rule changes by a new
        # version with a later effective date (the link below), not by rewriting this one.
        if obj is not None and obj.effective_from <= timezone.localdate():
            return ["key", "title", "value", "effective_from", "clause", "new_version"]
        return []

    @admin.display(description="修改规则")
    def new_version(self, obj):
        query = urlencode({"key": obj.key, "title": obj.title, "clause": obj.clause,
                           "value": json.dumps(obj.value, ensure_ascii=False), "note": obj.note})
        url = reverse("admin:governance_policyrule_add") + "?" + query
        return format_html('<a class="button" href="{}">以此为基础新增版本（填写新的生效日期）</a>', url)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.effective_from <= timezone.localdate():
            return False  # a version in force stays: figures computed with it cite it
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        fields = None
        if change and obj.effective_from <= timezone.localdate():
            fields = ["note"]  # only the note of a version in force can change
        services.instance_save(obj, acting_user=request.user, update_fields=fields)

"""Admin pages for the district administrator. Every save goes through the services (validation,
rules, audit); history is visible on each object through django-simple-history."""

import json
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from governance import services
from governance.models import Department, District, Person, PolicyRule, Post, StationedUnit


class ServiceSaveAdmin(SimpleHistoryAdmin):
    """Saves through services.instance_save, so the acting user is recorded and constraints checked."""

    def save_model(self, request, obj, form, change):
        services.instance_save(obj, acting_user=request.user)


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(ServiceSaveAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(StationedUnit)
class StationedUnitAdmin(ServiceSaveAdmin):
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


class PersonAdminForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "gender", "phone", "street", "community", "is_party_member", "is_npc_deputy",
                  "community_service_start", "has_violation_record", "user"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            changed = {name: cleaned[name] for name in self.changed_data if name in cleaned}
            try:
                services.person_update_check(person=Person.objects.get(pk=self.instance.pk), fields=changed)
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return cleaned


@admin.register(Person)
class PersonAdmin(ServiceSaveAdmin):
    form = PersonAdminForm
    list_display = ["name", "street", "community", "is_party_member", "is_npc_deputy"]
    list_filter = ["street", "is_party_member", "is_npc_deputy"]
    list_select_related = ["street", "community"]
    search_fields = ["name", "phone"]
    autocomplete_fields = ["street", "community"]
    inlines = [PostInline]

    def save_model(self, request, obj, form, change):
        # Through the person services, so the rules on a person's flags apply here too.
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        if change:
            form.instance = services.person_update(person=Person.objects.get(pk=obj.pk), acting_user=request.user, **data)
        else:
            fields = {f.name: getattr(obj, f.name) for f in Person._meta.concrete_fields if f.name != "id"}
            form.instance = services.person_create(acting_user=request.user, **fields)


class PostAdminForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["person", "kind", "street", "community", "station", "grid", "staff_category", "is_secondment",
                  "seconded_from", "start_date", "end_date", "approval_reference", "note"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        candidate = self.instance
        for name, value in cleaned.items():
            setattr(candidate, name, value)
        try:
            services.post_validate(candidate)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return cleaned


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    form = PostAdminForm
    list_display = ["person", "kind", "street", "community", "station", "is_secondment", "start_date", "end_date", "approval_reference"]
    list_filter = ["kind", "is_secondment", "street"]
    list_select_related = ["person", "street", "community", "station"]
    search_fields = ["person__name", "approval_reference"]
    autocomplete_fields = ["person", "street", "community", "station", "grid"]

    def save_model(self, request, obj, form, change):
        fields = {f.name: getattr(obj, f.name) for f in Post._meta.concrete_fields if f.name != "id"}
        if change:
            services.post_update(post=Post.objects.get(pk=obj.pk), acting_user=request.user, **fields)
        else:
            form.instance = services.post_create(acting_user=request.user, **fields)


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

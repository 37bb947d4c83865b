from django.contrib import admin

from governance.admin import ServiceSaveAdmin
from governance.services import instance_save
from streets import services
from streets.models import Street, StreetOffice


class StreetOfficeInline(admin.StackedInline):
    model = StreetOffice
    extra = 0
    autocomplete_fields = ["head"]


@admin.register(Street)
class StreetAdmin(ServiceSaveAdmin):
    list_display = ["code", "name", "is_pilot", "pilot_start", "administrative_posts", "career_posts"]
    list_filter = ["is_pilot"]
    search_fields = ["name", "code"]
    inlines = [StreetOfficeInline]

    def save_model(self, request, obj, form, change):
        if change:
            instance_save(obj, acting_user=request.user)
        else:
            fields = {f.name: getattr(obj, f.name) for f in Street._meta.concrete_fields if f.name != "id"}
            form.instance = services.street_create(acting_user=request.user, **fields)

    def save_formset(self, request, form, formset, change):
        for office in formset.save(commit=False):
            office.street = form.instance
            instance_save(office, acting_user=request.user)

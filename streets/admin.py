from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from governance.admin import ServiceSaveAdmin
from streets import services
from streets.models import Street, StreetOffice


class StreetOfficeForm(forms.ModelForm):
    class Meta:
        model = StreetOffice
        fields = ["duties", "head"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "head" in cleaned:
            try:
                services.street_office_head_check(office=StreetOffice.objects.get(pk=self.instance.pk),
                                                  head=cleaned["head"])
            except ValidationError as exc:
                self.add_error("head", exc.messages)
        return cleaned


class StreetOfficeInline(admin.StackedInline):
    """The five offices are created with the street (二(三)); here their duties and heads change."""

    model = StreetOffice
    form = StreetOfficeForm
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["kind", "duties", "head"]
    readonly_fields = ["kind"]
    autocomplete_fields = ["head"]


@admin.register(Street)
class StreetAdmin(ServiceSaveAdmin):
    create_service = services.street_create
    update_service = services.street_update
    instance_kwarg = "street"
    list_display = ["code", "name", "is_pilot", "pilot_start", "administrative_posts", "career_posts"]
    list_filter = ["is_pilot"]
    search_fields = ["name", "code"]
    inlines = [StreetOfficeInline]

    def save_formset(self, request, form, formset, change):
        # Each changed office goes through street_office_update (a head must be a deputy leader, 二(三)).
        for office_form in formset.forms:
            if not office_form.has_changed() or office_form.instance.pk is None:
                continue
            data = {name: office_form.cleaned_data[name] for name in office_form.changed_data}
            services.street_office_update(office=StreetOffice.objects.get(pk=office_form.instance.pk),
                                          acting_user=request.user, **data)

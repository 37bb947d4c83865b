"""Admin for assessments: the district administrator words the criteria and sees schemes and cycles.

Saves go through the services (governance.admin.ServiceSaveAdmin): a scheme's name, note and state
through `scheme_update`; a criterion through `criterion_add` / `criterion_update`. A scheme's raters and
weights change through the API (`assessment-schemes`), where the floors of 五(三) are checked."""

from django.contrib import admin

from assessments import services
from assessments.models import AssessmentCycle, AssessmentScheme, Criterion, SchemeComponent
from governance.admin import ServiceSaveAdmin


class ComponentInline(admin.TabularInline):
    model = SchemeComponent
    fields = ["rater_kind", "weight"]
    readonly_fields = ["rater_kind", "weight"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(ServiceSaveAdmin):
    update_service = services.scheme_update
    instance_kwarg = "scheme"
    list_display = ["name", "subject_kind", "period", "is_active"]
    list_filter = ["subject_kind", "period", "is_active"]
    fields = ["name", "subject_kind", "period", "is_active", "note"]
    readonly_fields = ["subject_kind", "period"]
    inlines = [ComponentInline]

    def has_add_permission(self, request):
        return False  # new schemes through the API or the demo data, where the floors of 五(三) are checked


@admin.register(Criterion)
class CriterionAdmin(ServiceSaveAdmin):
    create_service = services.criterion_add
    update_service = services.criterion_update
    instance_kwarg = "criterion"
    list_display = ["name", "component", "max_score", "order"]
    list_filter = ["component__scheme"]
    list_select_related = ["component__scheme"]
    search_fields = ["name"]


@admin.register(AssessmentCycle)
class AssessmentCycleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "street", "deadline", "status"]
    list_filter = ["status", "year"]
    list_select_related = ["scheme", "street"]

    def has_add_permission(self, request):
        return False  # a cycle is opened through the API (it creates every sheet)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

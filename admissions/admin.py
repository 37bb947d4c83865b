"""Admin: the district administrator keeps the admission lists (a new version, its items, confirmation);
tasks, refusals and honours consultations are read here and written through the pages and the API."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from admissions import services
from admissions.models import AdmissionItem, AdmissionList, HonoursConsultation, TaskAssignment, TaskRefusal
from governance.admin import ServiceSaveAdmin


@admin.register(AdmissionList)
class AdmissionListAdmin(ServiceSaveAdmin):
    list_display = ["title", "level", "effective_from", "document", "is_default", "confirmed_at"]
    list_filter = ["level", "is_default"]
    exclude = ["confirmed_by", "confirmed_at"]
    create_service = services.admission_list_create
    update_service = services.admission_list_update
    instance_kwarg = "admission_list"
    actions = ["confirm"]

    @admin.action(description="确认所选清单（默认内容经区级管理员确认）")
    def confirm(self, request, queryset):
        for admission_list in queryset:
            services.admission_list_confirm(admission_list=admission_list, acting_user=request.user)
        messages.success(request, f"已确认 {queryset.count()} 份清单。")


@admin.register(AdmissionItem)
class AdmissionItemAdmin(ServiceSaveAdmin):
    list_display = ["number", "name", "admission_list", "department", "staff", "funds"]
    list_filter = ["admission_list__level", "admission_list", "department"]
    search_fields = ["name", "basis"]
    list_select_related = ["admission_list", "department"]
    create_service = services.admission_item_create
    update_service = services.admission_item_update
    instance_kwarg = "item"


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TaskAssignment)
class TaskAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["title", "department", "target_street", "target_community", "status", "clause", "filed_at"]
    list_filter = ["status", "kind", "department"]
    list_select_related = ["department", "target_street", "target_community"]


@admin.register(TaskRefusal)
class TaskRefusalAdmin(ReadOnlyAdmin):
    list_display = ["title", "department", "target_street", "target_community", "clause", "refused_at"]
    list_filter = ["clause", "department"]
    list_select_related = ["department", "target_street", "target_community"]


@admin.register(HonoursConsultation)
class HonoursConsultationAdmin(ReadOnlyAdmin):
    list_display = ["title", "department", "street", "community", "opened_on", "decision_date"]
    list_select_related = ["department", "street", "community"]

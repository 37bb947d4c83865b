from django.contrib import admin, messages
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from governance.admin import ServiceSaveAdmin
from service_stations import services
from service_stations.models import (
    Appointment,
    CalendarDay,
    CalendarYear,
    ServiceCase,
    ServiceItem,
    ServiceItemRevision,
    ServiceStation,
    Shift,
)


@admin.register(ServiceStation)
class ServiceStationAdmin(ServiceSaveAdmin):
    create_service = services.station_create
    update_service = services.station_update
    instance_kwarg = "station"
    list_display = ["code", "name", "street"]
    list_select_related = ["street"]
    search_fields = ["name", "code"]
    filter_horizontal = ["communities"]

    def delete_model(self, request, obj):
        services.station_delete(station=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for station in queryset:
                services.station_delete(station=station)


class RevisionInline(admin.TabularInline):
    model = ServiceItemRevision
    fields = ["version", "name", "time_limit_days", "required_materials", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(ServiceSaveAdmin):
    """附件2: the district administrator confirms the defaults and edits items; an edit is a new version."""

    create_service = services.service_item_create
    update_service = services.service_item_update
    instance_kwarg = "item"
    list_display = ["ordinal", "name", "department", "time_limit_days", "is_active", "is_default", "confirmed_at"]
    list_display_links = ["name"]
    list_filter = ["is_active", "is_default", "department"]
    list_select_related = ["department"]
    search_fields = ["name", "pinyin_initials"]
    readonly_fields = ["pinyin_initials", "version", "is_default", "confirmed_at", "confirmed_by"]
    inlines = [RevisionInline]
    actions = ["confirm"]

    @admin.action(description="确认所选默认事项")
    def confirm(self, request, queryset):
        with transaction.atomic():
            for item in queryset.filter(confirmed_at__isnull=True):
                services.service_item_confirm(item=item, acting_user=request.user)
        messages.success(request, "已确认。")


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ["date", "is_working", "name"]
    extra = 5


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    """DESIGN.md section 6: enter next year's holidays and make-up workdays when the State Council publishes
    them; until then the year is provisional (weekends and the fixed-date holidays only)."""

    list_display = ["year", "source", "note"]
    inlines = [CalendarDayInline]


@admin.register(ServiceCase)
class ServiceCaseAdmin(SimpleHistoryAdmin):
    """Read-only here: cases are taken in and moved on at the counter and through the API (services)."""

    list_display = ["number", "station", "service_item", "status", "due_date"]
    list_filter = ["status", "channel"]
    list_select_related = ["station", "service_item"]
    search_fields = ["=number", "=external_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Shift)
class ShiftAdmin(ServiceSaveAdmin):
    create_service = services.shift_create
    list_display = ["station", "worker", "date", "start", "end", "is_weekend_rota"]
    list_select_related = ["station", "worker"]
    list_filter = ["is_weekend_rota"]


@admin.register(Appointment)
class AppointmentAdmin(ServiceSaveAdmin):
    create_service = services.appointment_create
    list_display = ["station", "kind", "date", "slot", "worker", "applicant_name"]
    list_select_related = ["station", "worker"]
    list_filter = ["kind", "slot"]

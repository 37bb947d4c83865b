from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from governance.admin import ServiceSaveAdmin
from grids import services
from grids.models import (
    EventCategory,
    Grid,
    GridChangeRequest,
    GridEvent,
    GridPartyOrganization,
    GridUnit,
    LedgerEntry,
    PartyModelPost,
)


@admin.register(Grid)
class GridAdmin(ServiceSaveAdmin):
    create_service = services.grid_create
    update_service = services.grid_update
    instance_kwarg = "grid"
    list_display = ["code", "name", "community", "households", "worker", "ended_on"]
    list_select_related = ["community", "worker"]
    list_filter = ["community__street"]
    search_fields = ["name", "code"]
    raw_id_fields = ["worker"]


@admin.register(GridUnit)
class GridUnitAdmin(ServiceSaveAdmin):
    create_service = services.grid_unit_create
    update_service = services.grid_unit_update
    instance_kwarg = "unit"
    list_display = ["name", "kind", "grid", "leader"]
    list_select_related = ["grid"]
    raw_id_fields = ["grid"]


@admin.register(GridPartyOrganization)
class GridPartyOrganizationAdmin(ServiceSaveAdmin):
    create_service = services.party_organization_create
    update_service = services.party_organization_update
    instance_kwarg = "organization"
    list_display = ["name", "kind", "grid", "leader", "members", "ended_on"]
    list_select_related = ["grid"]
    list_filter = ["kind"]
    search_fields = ["name", "leader"]
    raw_id_fields = ["grid"]


@admin.register(PartyModelPost)
class PartyModelPostAdmin(ServiceSaveAdmin):
    create_service = services.party_model_post_create
    update_service = services.party_model_post_update
    instance_kwarg = "post"
    list_display = ["name", "kind", "grid", "member", "is_active"]
    list_select_related = ["grid"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "member"]
    raw_id_fields = ["grid", "unit"]


@admin.register(EventCategory)
class EventCategoryAdmin(ServiceSaveAdmin):
    """The district edits the two-level event catalogue (seeded defaults: GB/T 30428.2 classes and
    social-governance classes, to be confirmed by the district administrator)."""

    create_service = services.event_category_create
    update_service = services.event_category_update
    instance_kwarg = "category"
    list_display = ["code", "name", "parent", "is_active"]
    list_select_related = ["parent"]
    list_filter = ["is_active", "parent"]
    search_fields = ["code", "name"]


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Changed only through their workflows (pages and API); the admin shows them and their history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GridChangeRequest)
class GridChangeRequestAdmin(ReadOnlyHistoryAdmin):
    list_display = ["community", "kind", "grid", "status", "proposed_at", "decided_at"]
    list_select_related = ["community", "grid"]
    list_filter = ["status", "kind"]


@admin.register(GridEvent)
class GridEventAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "grid", "level", "status", "reported_at", "settled_level"]
    list_select_related = ["grid"]
    list_filter = ["level", "status"]
    search_fields = ["title", "external_id"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "kind", "grid"]
    list_select_related = ["grid"]
    list_filter = ["kind"]

from django.contrib import admin
from import_export.admin import ImportExportMixin

from communities import services
from communities.models import Community, PartyOrganization, ResidentsCommittee
from communities.resources import CommunityFiguresResource
from governance.admin import ServiceSaveAdmin


@admin.register(Community)
class CommunityAdmin(ImportExportMixin, ServiceSaveAdmin):
    """Communities; 导入/导出 updates households, party members and the complex flag from a sheet."""

    resource_classes = [CommunityFiguresResource]
    list_display = ["code", "name", "street", "households", "party_members", "is_complex"]
    list_filter = ["street", "is_complex"]
    list_select_related = ["street"]
    search_fields = ["name", "code"]
    create_service = services.community_create
    update_service = services.community_update
    instance_kwarg = "community"


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ServiceSaveAdmin):
    update_service = services.party_organization_update
    instance_kwarg = "organization"
    list_display = ["name", "community", "kind"]
    list_filter = ["kind"]
    list_select_related = ["community"]


@admin.register(ResidentsCommittee)
class ResidentsCommitteeAdmin(ServiceSaveAdmin):
    list_display = ["name", "community"]
    list_select_related = ["community"]

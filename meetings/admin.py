"""Admin for meetings and what goes with them; saves go through the services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from governance.admin import ServiceSaveAdmin
from meetings import services
from meetings.models import CoBuildingAgreement, JointCommitteeList, Meeting, MeetingDecision, MeetingReminder


@admin.register(Meeting)
class MeetingAdmin(ServiceSaveAdmin):
    list_display = ["held_on", "kind", "street", "community"]
    list_filter = ["kind", "street"]
    list_select_related = ["street", "community"]
    exclude = ["recorded_by"]
    create_service = services.meeting_record
    update_service = services.meeting_update
    instance_kwarg = "meeting"


@admin.register(MeetingDecision)
class MeetingDecisionAdmin(ServiceSaveAdmin):
    list_display = ["text", "meeting", "responsible", "due_date", "status"]
    list_filter = ["status"]
    list_select_related = ["meeting"]
    create_service = services.meeting_decision_add
    update_service = services.meeting_decision_update
    instance_kwarg = "decision"


@admin.register(JointCommitteeList)
class FourListAdmin(ServiceSaveAdmin):
    list_display = ["community", "year", "kind", "agreed_on"]
    list_filter = ["year", "kind"]
    list_select_related = ["community"]
    create_service = services.four_list_create
    update_service = services.four_list_update
    instance_kwarg = "four_list"


@admin.register(CoBuildingAgreement)
class AgreementAdmin(ServiceSaveAdmin):
    list_display = ["stationed_unit", "street", "community", "signed_on", "valid_until"]
    list_select_related = ["stationed_unit", "street", "community"]
    create_service = services.agreement_create
    update_service = services.agreement_update
    instance_kwarg = "agreement"


@admin.register(MeetingReminder)
class MeetingReminderAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "street", "community", "period_start", "period_end", "sent_at"]
    list_select_related = ["street", "community"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

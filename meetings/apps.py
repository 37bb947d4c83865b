from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = "会议与共建"

    def ready(self):
        from governance import registry
        from governance.roles import Role, crud, domain_models
        from meetings import selectors
        from meetings.models import (
            CoBuildingAgreement,
            JointCommitteeList,
            Meeting,
            MeetingDecision,
            MeetingReminder,
        )

        registry.scoped_model(Meeting, selectors.meetings_for_user)
        registry.scoped_model(MeetingDecision, selectors.meeting_decisions_for_user)
        registry.scoped_model(JointCommitteeList, selectors.four_lists_for_user)
        registry.scoped_model(CoBuildingAgreement, selectors.agreements_for_user)
        registry.scoped_model(MeetingReminder, selectors.reminders_for_user)
        registry.findings(selectors.meeting_findings, count=selectors.meeting_finding_counts,
                          stream=selectors.meeting_finding_stream)
        # Which required meetings are missing this period, as a section of the street's and community's pages.
        registry.page_section("street", selectors.street_page_section)
        registry.page_section("community", selectors.community_page_section)
        registry.audited("meetings.Meeting", "meetings.MeetingDecision", "meetings.JointCommitteeList",
                         "meetings.CoBuildingAgreement")
        models = ("meetings.meeting", "meetings.meetingdecision", "meetings.jointcommitteelist",
                  "meetings.cobuildingagreement", "meetings.meetingreminder")
        domain_models(*models)
        # A street records its big working committee's meetings and its co-building agreements, and may record
        # its communities' meetings; a community records its own meetings and four lists.
        writable = models[:4]
        registry.role_permissions(Role.STREET_STAFF, [
            *(p for m in writable for p in crud(m, "view", "add", "change")), *crud("meetings.meetingreminder", "view")])
        registry.role_permissions(Role.COMMUNITY_STAFF, [
            *(p for m in writable for p in crud(m, "view", "add", "change")), *crud("meetings.meetingreminder", "view")])

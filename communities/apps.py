from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "communities"
    verbose_name = "社区"

    def ready(self):
        from communities import checks
        from communities.findings import community_finding_counts, community_finding_stream, community_findings
        from communities.models import Community, PartyOrganization, ResidentsCommittee
        from communities.selectors import (
            communities_for_user,
            party_organizations_for_user,
            residents_committees_for_user,
        )
        from communities.services import community_post_check
        from governance import registry
        from governance.models import COMMUNITY_KINDS
        from governance.roles import Role, crud, domain_models

        registry.scoped_model(Community, communities_for_user)
        registry.scoped_model(PartyOrganization, party_organizations_for_user)
        registry.scoped_model(ResidentsCommittee, residents_committees_for_user)
        registry.post_unit("community", Community)
        registry.post_check(COMMUNITY_KINDS, community_post_check)
        registry.person_check(checks.party_member_flag_kept)
        registry.findings(community_findings, count=community_finding_counts, stream=community_finding_stream)
        registry.audited("communities.Community", "communities.PartyOrganization", "communities.ResidentsCommittee")
        models = ("communities.community", "communities.partyorganization", "communities.residentscommittee")
        domain_models(*models)
        registry.role_permissions(Role.STREET_STAFF, [p for m in models for p in crud(m, "view", "add", "change")])
        registry.role_permissions(Role.COMMUNITY_STAFF, [p for m in models for p in crud(m, "view", "change")])
        registry.scope_grant(Role.COMMUNITY_STAFF, model_label="communities.community",
                             permission="communities.access_community", level="community_ids")

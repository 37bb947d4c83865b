from django.apps import AppConfig


class GridsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grids"
    verbose_name = "网格"

    def ready(self):
        from governance import registry
        from governance.models import PostKind
        from governance.roles import Role, crud, domain_models
        from grids import selectors, services
        from grids.findings import grid_finding_counts, grid_finding_stream, grid_findings
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

        registry.scoped_model(Grid, selectors.grids_for_user)
        registry.scoped_model(GridUnit, selectors.grid_units_for_user)
        registry.scoped_model(GridPartyOrganization, selectors.party_organizations_for_user)
        registry.scoped_model(PartyModelPost, selectors.party_posts_for_user)
        registry.scoped_model(GridChangeRequest, selectors.grid_changes_for_user)
        registry.scoped_model(LedgerEntry, selectors.ledger_for_user)
        registry.scoped_model(EventCategory, selectors.event_categories_list)
        registry.scoped_model(GridEvent, selectors.events_for_user)
        registry.post_unit("grid", Grid)
        # 三(四)2: a grid's worker follows the full-time grid worker's post (appointed, ended, moved).
        registry.post_changed([PostKind.GRID_WORKER], services.grid_worker_post_changed)
        registry.findings(grid_findings, count=grid_finding_counts, stream=grid_finding_stream)
        registry.audited("grids.Grid", "grids.GridUnit", "grids.GridChangeRequest", "grids.LedgerEntry",
                         "grids.EventCategory", "grids.GridEvent", "grids.GridPartyOrganization", "grids.PartyModelPost")
        registry.page_section("community", selectors.community_page_section)
        domain_models("grids.grid", "grids.gridunit", "grids.gridchangerequest", "grids.ledgerentry",
                      "grids.eventcategory", "grids.gridevent", "grids.gridpartyorganization", "grids.partymodelpost")
        for role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER):
            registry.role_permissions(role, [*crud("grids.grid", "view"), *crud("grids.gridunit", "view"),
                                             *crud("grids.ledgerentry", "view"), *crud("grids.gridevent", "view", "change"),
                                             *crud("grids.eventcategory", "view"),
                                             *crud("grids.gridpartyorganization", "view"),
                                             *crud("grids.partymodelpost", "view")])
        registry.role_permissions(Role.STATION_WORKER, crud("grids.eventcategory", "view"))
        # 四(一): a street proposes grid changes; 民政局 approves them (change = decide).
        registry.role_permissions(Role.STREET_STAFF, crud("grids.gridchangerequest", "view", "add"))
        registry.role_permissions(Role.COMMUNITY_STAFF, [*crud("grids.gridchangerequest", "view"),
                                                         *crud("grids.gridunit", "add", "change"),
                                                         # 四(二)1: the community sets up its grids' party
                                                         # organisations and model posts.
                                                         *crud("grids.gridpartyorganization", "add", "change"),
                                                         *crud("grids.partymodelpost", "add", "change"),
                                                         *crud("grids.ledgerentry", "add", "change")])
        registry.role_permissions(Role.CIVIL_AFFAIRS, crud("grids.gridchangerequest", "change"))
        # The grid worker keeps the ledger and reports events (四(二)2); a department handles what reaches it.
        registry.role_permissions(Role.GRID_WORKER, [*crud("grids.ledgerentry", "add", "change"),
                                                     *crud("grids.gridevent", "add")])
        registry.role_permissions(Role.DEPARTMENT_USER, crud("grids.gridevent", "change"))
        registry.scope_grant(Role.GRID_WORKER, model_label="grids.grid", permission="grids.access_grid",
                             level="grid_ids")

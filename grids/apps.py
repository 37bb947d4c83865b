from django.apps import AppConfig


class GridsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grids"
    verbose_name = "网格"

    def ready(self):
        from governance import registry
        from governance.roles import Role, crud, domain_models
        from grids.models import Grid
        from grids.selectors import community_page_section, grids_for_user

        registry.scoped_model(Grid, grids_for_user)
        registry.post_unit("grid", Grid)
        registry.audited("grids.Grid")
        registry.page_section("community", community_page_section)
        domain_models("grids.grid")
        for role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.GRID_WORKER):
            registry.role_permissions(role, crud("grids.grid", "view"))
        registry.scope_grant(Role.GRID_WORKER, model_label="grids.grid", permission="grids.access_grid",
                             level="grid_ids")

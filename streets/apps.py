from django.apps import AppConfig


class StreetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "streets"
    verbose_name = "街道"

    def ready(self):
        from governance import registry
        from governance.models import STREET_KINDS
        from governance.roles import Role, crud, domain_models
        from streets import checks
        from streets.findings import street_findings
        from streets.models import Street, StreetOffice
        from streets.selectors import street_offices_for_user, streets_for_user
        from streets.services import street_post_check

        registry.scoped_model(Street, streets_for_user)
        registry.scoped_model(StreetOffice, street_offices_for_user)
        registry.post_unit("street", Street)
        registry.post_check(STREET_KINDS, street_post_check)
        registry.person_check(checks.npc_member_flag_kept)
        registry.findings(street_findings)
        registry.audited("streets.Street", "streets.StreetOffice")
        domain_models("streets.street", "streets.streetoffice")
        registry.role_permissions(Role.STREET_STAFF, [*crud("streets.street", "view", "change"),
                                                      *crud("streets.streetoffice", "view", "change")])
        registry.scope_grant(Role.STREET_STAFF, model_label="streets.street", permission="streets.access_street",
                             level="street_ids")

from django.apps import AppConfig


class ServiceStationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "service_stations"
    verbose_name = "社区服务站"

    def ready(self):
        from governance import registry
        from governance.models import COMMUNITY_WORKER_KINDS, STATION_KINDS
        from governance.roles import Role, crud, domain_models
        from service_stations.findings import station_findings
        from service_stations.models import ServiceStation
        from service_stations.selectors import stations_for_user, street_page_section
        from service_stations.services import doubling_check, station_post_check

        registry.scoped_model(ServiceStation, stations_for_user)
        registry.post_unit("station", ServiceStation)
        registry.post_check(STATION_KINDS, station_post_check)
        registry.post_check(STATION_KINDS | COMMUNITY_WORKER_KINDS, doubling_check)
        registry.findings(station_findings)
        registry.page_section("street", street_page_section)
        registry.audited("service_stations.ServiceStation")
        domain_models("service_stations.servicestation")
        for role in (Role.STREET_STAFF, Role.STATION_WORKER):
            registry.role_permissions(role, crud("service_stations.servicestation", "view"))
        registry.scope_grant(Role.STATION_WORKER, model_label="service_stations.servicestation",
                             permission="service_stations.access_station", level="station_ids")

from django.apps import AppConfig


class ServiceStationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "service_stations"
    verbose_name = "社区服务站"

    def ready(self):
        from governance import registry
        from governance.models import COMMUNITY_WORKER_KINDS, STATION_KINDS
        from governance.roles import Role, crud, domain_models
        from service_stations import selectors
        from service_stations.findings import station_finding_counts, station_finding_stream, station_findings
        from service_stations.models import (
            Appointment,
            Notification,
            ServiceCase,
            ServiceItem,
            ServiceStation,
            Shift,
            StationChecklistEntry,
        )
        from service_stations.services import doubling_check, station_post_check

        registry.scoped_model(ServiceStation, selectors.stations_for_user)
        registry.scoped_model(ServiceItem, selectors.service_items_for_user)
        registry.scoped_model(ServiceCase, selectors.cases_for_user)
        registry.scoped_model(Appointment, selectors.appointments_for_user)
        registry.scoped_model(Notification, selectors.notifications_for_user)
        registry.scoped_model(Shift, selectors.shifts_for_user)
        registry.scoped_model(StationChecklistEntry, selectors.checklist_for_user)
        registry.post_unit("station", ServiceStation)
        registry.post_check(STATION_KINDS, station_post_check)
        registry.post_check(STATION_KINDS | COMMUNITY_WORKER_KINDS, doubling_check)
        registry.findings(station_findings, count=station_finding_counts, stream=station_finding_stream)
        registry.page_section("street", selectors.street_page_section)
        # Cases keep their history (shown on the case page, applicant masked by role), but stay off the district
        # audit trail: its reviewers (组织部, 民政局) would read ID numbers and phones in clear there.
        registry.audited("service_stations.ServiceStation", "service_stations.ServiceItem",
                         "service_stations.CalendarDay", "service_stations.Appointment")
        domain_models("service_stations.servicestation", "service_stations.serviceitem", "service_stations.servicecase",
                      "service_stations.appointment", "service_stations.shift", "service_stations.stationchecklistentry",
                      "service_stations.calendaryear", "service_stations.calendarday")
        for role in (Role.STREET_STAFF, Role.STATION_WORKER):
            registry.role_permissions(role, crud("service_stations.servicestation", "view"))
        for role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF, Role.STATION_WORKER, Role.GRID_WORKER):
            registry.role_permissions(role, crud("service_stations.serviceitem", "view"))
        # 三(二)3: every station worker takes in any item and moves cases on (全职代办、综合受理).
        registry.role_permissions(Role.STATION_WORKER, [
            *crud("service_stations.servicecase", "view", "add", "change"),
            *crud("service_stations.appointment", "view", "add", "change"),
            *crud("service_stations.shift", "view"),
            *crud("service_stations.stationchecklistentry", "view"),
        ])
        # The street runs its stations (三(二)2: 由街道统筹安排和管理考核): reads cases, keeps rotas and checklist.
        registry.role_permissions(Role.STREET_STAFF, [
            *crud("service_stations.servicecase", "view"),
            *crud("service_stations.appointment", "view"),
            *crud("service_stations.shift", "view", "add", "change"),
            *crud("service_stations.stationchecklistentry", "view", "add", "change"),
        ])
        registry.scope_grant(Role.STATION_WORKER, model_label="service_stations.servicestation",
                             permission="service_stations.access_station", level="station_ids")

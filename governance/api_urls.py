"""/api/v1/: the REST API other district systems use (DESIGN.md section 5).

Project wiring: it composes every app's endpoints, and is the one API module that imports them all."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from admissions.api import AdmissionListViewSet, HonoursConsultationViewSet, TaskAssignmentViewSet
from assessments.api import CommunityQuotasView, QuotaSummaryView, StreetQuotasView
from assessments.api_scores import CycleViewSet, PartyBuildingWeightView, SchemeViewSet, SheetViewSet
from communities.api import CommunityViewSet
from governance.api import Router
from governance.docs import redoc_bundle
from governance.viewsets import (
    DepartmentViewSet,
    PersonViewSet,
    PolicyRuleViewSet,
    PostViewSet,
    StationedUnitViewSet,
)
from grids.api import (
    EventCategoryViewSet,
    EventViewSet,
    GridChangeViewSet,
    GridPartyOrganizationViewSet,
    GridUnitViewSet,
    GridViewSet,
    LedgerEntryViewSet,
    PartyModelPostViewSet,
)
from meetings.api import AgreementViewSet, ComplianceView, FourListViewSet, MeetingDecisionViewSet, MeetingViewSet
from service_stations.api import (
    AppointmentViewSet,
    CaseViewSet,
    ServiceItemViewSet,
    ServiceStationViewSet,
    ShiftViewSet,
)
from streets.api import StreetOfficeViewSet, StreetViewSet

router = Router()
router.register("streets", StreetViewSet, basename="street")
router.register("street-offices", StreetOfficeViewSet, basename="street-office")
router.register("communities", CommunityViewSet, basename="community")
router.register("departments", DepartmentViewSet, basename="department")
router.register("stationed-units", StationedUnitViewSet, basename="stationed-unit")
router.register("people", PersonViewSet, basename="person")
router.register("posts", PostViewSet, basename="post")
router.register("policy-rules", PolicyRuleViewSet, basename="policy-rule")
router.register("admission-lists", AdmissionListViewSet, basename="admission-list")
router.register("task-assignments", TaskAssignmentViewSet, basename="task-assignment")
router.register("honours-consultations", HonoursConsultationViewSet, basename="honours-consultation")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("meeting-decisions", MeetingDecisionViewSet, basename="meeting-decision")
router.register("four-lists", FourListViewSet, basename="four-list")
router.register("co-building-agreements", AgreementViewSet, basename="co-building-agreement")
router.register("assessment-schemes", SchemeViewSet, basename="assessment-scheme")
router.register("assessment-cycles", CycleViewSet, basename="assessment-cycle")
router.register("scores", SheetViewSet, basename="score")

router.register("service-items", ServiceItemViewSet, basename="service-item")
router.register("service-stations", ServiceStationViewSet, basename="service-station")
router.register("cases", CaseViewSet, basename="case")
router.register("appointments", AppointmentViewSet, basename="appointment")
router.register("shifts", ShiftViewSet, basename="shift")
router.register("grids", GridViewSet, basename="grid")
router.register("grid-units", GridUnitViewSet, basename="grid-unit")
router.register("grid-changes", GridChangeViewSet, basename="grid-change")
router.register("grid-party-organizations", GridPartyOrganizationViewSet, basename="grid-party-organization")
router.register("party-model-posts", PartyModelPostViewSet, basename="party-model-post")
router.register("ledger-entries", LedgerEntryViewSet, basename="ledger-entry")
router.register("event-categories", EventCategoryViewSet, basename="event-category")
router.register("events", EventViewSet, basename="event")

_docs_csp = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})

urlpatterns = [
    path("quotas/summary/", QuotaSummaryView.as_view(), name="quota-summary"),
    path("streets/<int:pk>/quotas/", StreetQuotasView.as_view(), name="street-quotas"),
    path("communities/<int:pk>/quotas/", CommunityQuotasView.as_view(), name="community-quotas"),
    path("meetings/compliance/", ComplianceView.as_view(), name="meetings-compliance-api"),
    path("stationed-units/<int:pk>/party-building-weight/", PartyBuildingWeightView.as_view(),
         name="stationed-unit-party-building-weight"),
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's start script is served as a file of its own (the split view), so no inline script runs;
    # both UIs build styles at run time and ReDoc searches in a blob: worker, which the CSP allows here only.
    path("docs/", _docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("redoc/", _docs_csp(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
    path("redoc/redoc.standalone.js", redoc_bundle, name="api-redoc-bundle"),
]

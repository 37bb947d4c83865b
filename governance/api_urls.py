"""/api/v1/: the REST API other district systems use (DESIGN.md section 5).

Project wiring: it composes every app's endpoints, and is the one API module that imports them all."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from assessments.api import CommunityQuotasView, QuotaSummaryView, StreetQuotasView
from communities.api import CommunityViewSet
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
    GridUnitViewSet,
    GridViewSet,
    LedgerEntryViewSet,
)
from streets.api import StreetOfficeViewSet, StreetViewSet

router = DefaultRouter()
router.register("streets", StreetViewSet, basename="street")
router.register("street-offices", StreetOfficeViewSet, basename="street-office")
router.register("communities", CommunityViewSet, basename="community")
router.register("departments", DepartmentViewSet, basename="department")
router.register("stationed-units", StationedUnitViewSet, basename="stationed-unit")
router.register("people", PersonViewSet, basename="person")
router.register("posts", PostViewSet, basename="post")
router.register("policy-rules", PolicyRuleViewSet, basename="policy-rule")
router.register("grids", GridViewSet, basename="grid")
router.register("grid-units", GridUnitViewSet, basename="grid-unit")
router.register("grid-changes", GridChangeViewSet, basename="grid-change")
router.register("ledger-entries", LedgerEntryViewSet, basename="ledger-entry")
router.register("event-categories", EventCategoryViewSet, basename="event-category")
router.register("events", EventViewSet, basename="event")

urlpatterns = [
    path("quotas/summary/", QuotaSummaryView.as_view(), name="quota-summary"),
    path("streets/<int:pk>/quotas/", StreetQuotasView.as_view(), name="street-quotas"),
    path("communities/<int:pk>/quotas/", CommunityQuotasView.as_view(), name="community-quotas"),
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

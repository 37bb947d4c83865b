"""/api/v1/: the REST API other district systems use (DESIGN.md section 5)."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from assessments.api import QuotaSummaryView
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

_docs_csp = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})

urlpatterns = [
    path("quotas/summary/", QuotaSummaryView.as_view(), name="quota-summary"),
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's start script is served as a file of its own (the split view), so no inline script runs;
    # both UIs build styles at run time and ReDoc searches in a blob: worker, which the CSP allows here only.
    path("docs/", _docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("redoc/", _docs_csp(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
    path("redoc/redoc.standalone.js", redoc_bundle, name="api-redoc-bundle"),
]

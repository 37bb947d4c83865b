from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token

from assessments import views as assessment_views
from communities import views as community_views
from governance import views, views_posts
from governance.district import views as district_views
from governance.views_people import people_roster, person_edit
from streets import views as street_views
from streets.views_offices import street_office_edit

admin.site.site_header = "兴庆区街道社区治理系统 · 管理"
admin.site.site_title = "兴庆区街道社区治理系统"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", district_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("district/", district_views.district_overview, name="district-overview"),
    path("breaches/", district_views.breaches, name="breaches"),
    path("audit/", views.audit_log, name="audit-log"),
    path("streets/<int:pk>/", street_views.street_detail, name="street-page"),
    path("communities/<int:pk>/", community_views.community_detail, name="community-page"),
    path("streets/<int:pk>/posts/new/", views_posts.post_new, {"unit_kind": "street"}, name="street-post-new"),
    path("communities/<int:pk>/posts/new/", views_posts.post_new, {"unit_kind": "community"}, name="community-post-new"),
    path("stations/<int:pk>/posts/new/", views_posts.post_new, {"unit_kind": "station"}, name="station-post-new"),
    path("grids/<int:pk>/posts/new/", views_posts.post_new, {"unit_kind": "grid"}, name="grid-post-new"),
    path("posts/<int:pk>/end/", views_posts.post_end, name="post-end"),
    path("streets/<int:pk>/people/", people_roster, {"unit_kind": "street"}, name="street-people"),
    path("communities/<int:pk>/people/", people_roster, {"unit_kind": "community"}, name="community-people"),
    path("people/<int:pk>/edit/", person_edit, name="person-edit"),
    path("street-offices/<int:pk>/edit/", street_office_edit, name="street-office-edit"),
    path("quotas/", assessment_views.quotas_overview, name="quotas"),
    path("quotas/export.xlsx", assessment_views.quotas_export, name="quotas-export"),
    path("quotas/what-if/", assessment_views.quota_what_if, name="quotas-what-if"),
    path("", include("grids.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", obtain_auth_token, name="api-token"),
    path("api/v1/", include("governance.api_urls")),
]

handler403 = "governance.views.permission_denied"
handler404 = "governance.views.page_not_found"
handler500 = "governance.views.server_error"

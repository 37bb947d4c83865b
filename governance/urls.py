from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessments import views as assessment_views
from assessments import views_scores as score_views
from communities import views as community_views
from governance import views_audit, views_posts
from governance.auth import AdminLoginForm, LoginForm, obtain_token
from governance.district import views as district_views
from governance.district import views_findings
from governance.views_people import people_roster, people_roster_export, person_edit
from governance.views_person_search import person_new, person_search
from streets import views as street_views
from streets.views_offices import street_office_edit

admin.site.site_header = "兴庆区街道社区治理系统 · 管理"
admin.site.site_title = "兴庆区街道社区治理系统"
admin.site.index_title = "数据管理"
admin.site.login_form = AdminLoginForm  # bounded username, failures logged (governance/auth.py)

urlpatterns = [
    path("", district_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("district/", district_views.district_overview, name="district-overview"),
    path("breaches/", views_findings.breaches_page, name="breaches"),
    path("breaches/export.xlsx", views_findings.findings_export, name="breaches-export"),
    path("audit/", views_audit.audit_log, name="audit-log"),
    path("audit/export.xlsx", views_audit.audit_export, name="audit-export"),
    path("streets/<int:pk>/", street_views.street_detail, name="street-page"),
    path("communities/<int:pk>/", community_views.community_detail, name="community-page"),
    path("communities/search/", community_views.community_search, name="community-search"),
    path("streets/<int:pk>/posts/new/", views_posts.post_new, {"unit_kind": "street"}, name="street-post-new"),
    path("communities/<int:pk>/posts/new/", views_posts.post_new, {"unit_kind": "community"}, name="community-post-new"),
    path("stations/<int:pk>/posts/new/", views_posts.post_new, {"unit_kind": "station"}, name="station-post-new"),
    path("grids/<int:pk>/posts/new/", views_posts.post_new, {"unit_kind": "grid"}, name="grid-post-new"),
    # Not "post-end": the API router names its posts/{id}/end/ action so.
    path("posts/<int:pk>/end/", views_posts.post_end, name="post-end-page"),
    path("streets/<int:pk>/people/", people_roster, {"unit_kind": "street"}, name="street-people"),
    path("communities/<int:pk>/people/", people_roster, {"unit_kind": "community"}, name="community-people"),
    path("streets/<int:pk>/people/export.xlsx", people_roster_export, {"unit_kind": "street"}, name="street-people-export"),
    path("communities/<int:pk>/people/export.xlsx", people_roster_export, {"unit_kind": "community"},
         name="community-people-export"),
    path("people/<int:pk>/edit/", person_edit, name="person-edit"),
    path("streets/<int:pk>/people/search/", person_search, {"unit_kind": "street"}, name="street-person-search"),
    path("communities/<int:pk>/people/search/", person_search, {"unit_kind": "community"},
         name="community-person-search"),
    path("stations/<int:pk>/people/search/", person_search, {"unit_kind": "station"}, name="station-person-search"),
    path("grids/<int:pk>/people/search/", person_search, {"unit_kind": "grid"}, name="grid-person-search"),
    path("streets/<int:pk>/people/new/", person_new, {"unit_kind": "street"}, name="street-person-new"),
    path("communities/<int:pk>/people/new/", person_new, {"unit_kind": "community"}, name="community-person-new"),
    path("stations/<int:pk>/people/new/", person_new, {"unit_kind": "station"}, name="station-person-new"),
    path("grids/<int:pk>/people/new/", person_new, {"unit_kind": "grid"}, name="grid-person-new"),
    path("street-offices/<int:pk>/edit/", street_office_edit, name="street-office-edit"),
    path("quotas/", assessment_views.quotas_overview, name="quotas"),
    path("quotas/export.xlsx", assessment_views.quotas_export, name="quotas-export"),
    path("quotas/what-if/", assessment_views.quota_what_if, name="quotas-what-if"),
    path("admissions/", include("admissions.urls")),
    path("meetings/", include("meetings.urls")),
    path("assessments/todo/", score_views.scores_todo, name="assessment-todo"),
    path("assessments/sheets/<int:pk>/", score_views.sheet_edit, name="assessment-sheet"),
    path("assessments/results/", score_views.my_scores, name="assessment-my-scores"),
    path("assessments/cycles/", score_views.cycles_list, name="assessment-cycles"),
    path("assessments/cycles/open/", score_views.cycle_open, name="assessment-cycle-open"),
    path("assessments/review/", score_views.review_index, name="assessment-review"),
    path("assessments/review/<int:pk>/", score_views.review_cycle, name="assessment-review-cycle"),
    path("assessments/review/<int:pk>/publish/", score_views.review_publish, name="assessment-review-publish"),
    path("assessments/review/sheets/<int:pk>/", score_views.review_sheet, name="assessment-review-sheet"),
    path("assessments/cycles/<int:pk>/ranking/", score_views.ranking, name="assessment-ranking"),
    path("assessments/cycles/<int:pk>/ranking.xlsx", score_views.ranking_export, name="assessment-ranking-export"),
    path("", include("service_stations.urls")),
    path("", include("grids.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", obtain_token, name="api-token"),
    path("api/v1/", include("governance.api_urls")),
]

handler403 = "governance.views.permission_denied"
handler404 = "governance.views.page_not_found"
handler500 = "governance.views.server_error"

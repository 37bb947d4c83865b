from django.urls import path

from meetings import views, views_lists

urlpatterns = [
    path("", views.meeting_list, name="meetings"),
    path("new/", views.meeting_new, name="meeting-new"),
    path("<int:pk>/", views.meeting_detail, name="meeting-page"),
    path("decisions/<int:pk>/done/", views.decision_done, name="meeting-decision-done"),
    path("compliance/", views.compliance, name="meetings-compliance"),
    path("four-lists/", views_lists.four_lists, name="four-lists"),
    path("four-lists/new/", views_lists.four_list_new, name="four-list-new"),
    path("four-lists/<int:pk>/", views_lists.four_list_edit, name="four-list-page"),
    path("agreements/", views_lists.agreements, name="agreements"),
    path("agreements/new/", views_lists.agreement_new, name="agreement-new"),
    path("agreements/<int:pk>/edit/", views_lists.agreement_edit, name="agreement-edit"),
]

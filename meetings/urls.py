from django.urls import path

from meetings import views

urlpatterns = [
    path("", views.meeting_list, name="meetings"),
    path("new/", views.meeting_new, name="meeting-new"),
    path("<int:pk>/", views.meeting_detail, name="meeting-page"),
    path("decisions/<int:pk>/done/", views.decision_done, name="meeting-decision-done"),
    path("compliance/", views.compliance, name="meetings-compliance"),
]

from django.urls import path

from service_stations import views

urlpatterns = [
    path("stations/<int:pk>/", views.station_dashboard, name="station-dashboard"),
    path("stations/<int:pk>/counter/", views.counter, name="station-counter"),
    path("stations/<int:pk>/checklist/", views.checklist, name="station-checklist"),
    path("stations/<int:pk>/appointments/new/", views.appointment_new, name="station-appointment-new"),
    path("stations/<int:pk>/shifts/new/", views.shift_new, name="station-shift-new"),
    path("stations/checklist/", views.checklist_overview, name="stations-checklist"),
    path("stations/overdue/", views.overdue_overview, name="stations-overdue"),
    path("cases/<int:pk>/", views.case_page, name="case-page"),
    path("cases/<int:pk>/hand-on/", views.case_hand_on, name="case-hand-on"),
    path("cases/<int:pk>/receipt/", views.case_receipt, name="case-receipt"),
    path("cases/<int:pk>/notice/", views.case_notice, name="case-notice"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("service-items/<int:pk>/notice/", views.item_notice, name="item-notice"),
]

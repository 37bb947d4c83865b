from django.urls import path

from grids import views

urlpatterns = [
    path("my-grid/", views.my_grid, name="my-grid"),
    path("grids/<int:pk>/", views.grid_page, name="grid-page"),
    path("grids/<int:pk>/events/new/", views.event_new, name="grid-event-new"),
    path("grids/<int:pk>/ledger.xlsx", views.ledger_export, name="grid-ledger-export"),
    path("grids/<int:pk>/ledger/import/", views.ledger_import, name="grid-ledger-import"),
    path("grids/ledger-template.xlsx", views.ledger_template, name="grid-ledger-template"),
    path("events/", views.event_queue, name="grid-event-queue"),
    path("events/<int:pk>/", views.event_page, name="grid-event"),
    path("events/<int:pk>/photos/<int:photo_pk>/", views.event_photo, name="grid-event-photo"),
    path("grid-changes/", views.grid_changes, name="grid-changes"),
    path("grid-changes/new/", views.grid_change_new, name="grid-change-new"),
    path("grid-changes/<int:pk>/decide/", views.grid_change_decide, name="grid-change-decide"),
    path("communities/<int:pk>/grids/", views.community_grids, name="community-grids"),
    path("settlement/", views.settlement_dashboard, name="grid-settlement"),
]

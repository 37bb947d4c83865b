from django.urls import path

from grids import views, views_records

urlpatterns = [
    path("my-grid/", views.my_grid, name="my-grid"),
    path("grids/<int:pk>/", views.grid_page, name="grid-page"),
    path("grids/<int:pk>/events/new/", views.event_new, name="grid-event-new"),
    path("grids/<int:pk>/ledger.xlsx", views.ledger_export, name="grid-ledger-export"),
    path("grids/<int:pk>/ledger/import/", views.ledger_import, name="grid-ledger-import"),
    path("grids/ledger-template.xlsx", views.ledger_template, name="grid-ledger-template"),
    path("grids/<int:pk>/units/new/", views_records.grid_unit_new, name="grid-unit-new"),
    path("grid-units/<int:pk>/edit/", views_records.grid_unit_edit, name="grid-unit-edit"),
    path("grids/<int:pk>/party-organizations/new/", views_records.party_organization_new,
         name="grid-party-organization-new"),
    path("grid-party-organizations/<int:pk>/edit/", views_records.party_organization_edit,
         name="grid-party-organization-edit"),
    path("grids/<int:pk>/party-posts/new/", views_records.party_post_new, name="party-model-post-new"),
    path("party-model-posts/<int:pk>/edit/", views_records.party_post_edit, name="party-model-post-edit"),
    path("events/", views.event_queue, name="grid-event-queue"),
    path("events/<int:pk>/", views.event_page, name="grid-event"),
    path("events/<int:pk>/photos/<int:photo_pk>/", views.event_photo, name="grid-event-photo"),
    path("grid-changes/", views.grid_changes, name="grid-changes"),
    path("grid-changes/new/", views.grid_change_new, name="grid-change-new"),
    path("grid-changes/<int:pk>/decide/", views.grid_change_decide, name="grid-change-decide"),
    path("communities/<int:pk>/grids/", views.community_grids, name="community-grids"),
    path("settlement/", views.settlement_dashboard, name="grid-settlement"),
]

from django.contrib import admin

from governance.admin import ServiceSaveAdmin
from grids import services
from grids.models import Grid


@admin.register(Grid)
class GridAdmin(ServiceSaveAdmin):
    create_service = services.grid_create
    update_service = services.grid_update
    instance_kwarg = "grid"
    list_display = ["code", "name", "community", "households"]
    list_select_related = ["community"]
    search_fields = ["name", "code"]

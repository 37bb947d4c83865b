from django.contrib import admin

from governance.admin import ServiceSaveAdmin
from grids.models import Grid


@admin.register(Grid)
class GridAdmin(ServiceSaveAdmin):
    list_display = ["code", "name", "community", "households"]
    list_select_related = ["community"]
    search_fields = ["name", "code"]

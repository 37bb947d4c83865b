from django.contrib import admin

from governance.admin import ServiceSaveAdmin
from service_stations import services
from service_stations.models import ServiceStation


@admin.register(ServiceStation)
class ServiceStationAdmin(ServiceSaveAdmin):
    create_service = services.station_create
    update_service = services.station_update
    instance_kwarg = "station"
    list_display = ["code", "name", "street"]
    list_select_related = ["street"]
    search_fields = ["name", "code"]
    filter_horizontal = ["communities"]

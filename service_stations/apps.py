from django.apps import AppConfig


class ServiceStationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "service_stations"
    verbose_name = "社区服务站"

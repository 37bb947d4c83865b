from django.apps import AppConfig


class StreetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "streets"
    verbose_name = "街道"

from django.apps import AppConfig


class DistrictConfig(AppConfig):
    """What composes every app, and says so: the district-wide pages (home by role, the district overview,
    the findings) and the demo data. The only Django app beside the project wiring that imports the apps;
    the core (`governance`) imports none of them."""

    name = "governance.district"
    label = "district"
    verbose_name = "全区"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = "考核与测算"

    def ready(self):
        from assessments.selectors import community_page_section, street_page_section
        from governance import registry

        registry.page_section("street", street_page_section)
        registry.page_section("community", community_page_section)

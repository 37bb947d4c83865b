from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "区级治理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from governance.roles import roles_sync_on_migrate

        # Role groups and their model permissions are configuration, kept in code (governance/roles.py)
        # and written to the database after every migrate, so a fresh install has them.
        post_migrate.connect(roles_sync_on_migrate, sender=self)

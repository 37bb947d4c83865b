from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "账号管理"

    def ready(self):
        from accounts.models import BEAT_AUDITED
        from governance import registry

        registry.audited("accounts.AccountEvent", *BEAT_AUDITED)

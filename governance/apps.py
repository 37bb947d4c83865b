from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "区级治理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from governance import registry
        from governance.audit import CORE_AUDITED
        from governance.models import Department, Person, PolicyRule, Post, StationedUnit
        from governance.roles import roles_sync_on_migrate
        from governance.selectors import (
            departments_for_user,
            people_for_user,
            policy_rules_list,
            posts_for_user,
            stationed_units_for_user,
        )

        # The core registers its own models like any app (governance/registry.py).
        registry.scoped_model(Department, departments_for_user)
        registry.scoped_model(StationedUnit, stationed_units_for_user)
        registry.scoped_model(Person, people_for_user)
        registry.scoped_model(Post, posts_for_user)
        registry.scoped_model(PolicyRule, policy_rules_list)
        registry.audited(*CORE_AUDITED)

        # Role groups and their model permissions are configuration, kept in code (governance/roles.py and
        # each app's registrations) and written to the database after every migrate, so a fresh install
        # has them.
        post_migrate.connect(roles_sync_on_migrate, sender=self)

        # The users' permissions and scope kept across requests (governance/authz_cache.py): every change of
        # what they are read from bumps their generation; a migrate (new permissions, the roles' sync) too.
        from governance import authz_cache

        authz_cache.connect()
        post_migrate.connect(authz_cache.on_any_change, dispatch_uid="governance.authz_cache.migrate")

        # District-wide figures cached under the data generation (governance/derived.py): every connection's
        # writes move it on.
        from governance import derived

        derived.connect()

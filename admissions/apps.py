from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "admissions"
    verbose_name = "准入清单与事项下沉"

    def ready(self):
        from admissions import selectors
        from admissions.models import (
            AdmissionItem,
            AdmissionList,
            HonoursConsultation,
            HonoursOpinion,
            TaskAssignment,
            TaskRefusal,
        )
        from governance import registry
        from governance.roles import Role, crud, domain_models

        registry.scoped_model(AdmissionList, selectors.admission_lists_for_user)
        registry.scoped_model(AdmissionItem, selectors.admission_items_for_user)
        registry.scoped_model(TaskAssignment, selectors.tasks_for_user)
        registry.scoped_model(TaskRefusal, selectors.task_refusals_for_user)
        registry.scoped_model(HonoursConsultation, selectors.honours_for_user)
        registry.scoped_model(HonoursOpinion, selectors.honours_opinions_for_user)
        registry.findings(selectors.admission_findings)
        # What was pushed down, and on what basis, as a section of the street's and community's pages.
        registry.page_section("street", selectors.street_page_section)
        registry.page_section("community", selectors.community_page_section)
        registry.audited("admissions.AdmissionList", "admissions.AdmissionItem", "admissions.TaskAssignment",
                         "admissions.HonoursConsultation", "admissions.HonoursOpinion")
        models = ("admissions.admissionlist", "admissions.admissionitem", "admissions.taskassignment",
                  "admissions.taskrefusal", "admissions.honoursconsultation", "admissions.honoursopinion")
        domain_models(*models)
        # A department files tasks and opens honours consultations for itself (scoped by
        # governance.access_department in the services); streets and communities read what reached them and
        # record their opinions on honours.
        registry.role_permissions(Role.DEPARTMENT_USER, [
            *crud("admissions.taskassignment", "add"), *crud("admissions.honoursconsultation", "add", "change")])
        for role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF):
            registry.role_permissions(role, [p for m in models for p in crud(m, "view")])
            registry.role_permissions(role, crud("admissions.honoursopinion", "add"))

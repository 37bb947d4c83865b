from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = "考核与测算"

    def ready(self):
        from assessments import checks  # noqa: F401  (registers the rule checks)
        from assessments.models import Assessment, AssessmentCycle, AssessmentScheme, ScoreSheet
        from assessments.score_selectors import (
            assessments_for_user,
            cycles_for_user,
            schemes_for_user,
            sheets_for_user,
        )
        from assessments.selectors import community_page_section, street_page_section
        from governance import registry
        from governance.roles import Role, crud, domain_models

        registry.page_section("street", street_page_section)
        registry.page_section("community", community_page_section)

        from assessments.findings import late_score_findings

        registry.findings(late_score_findings)
        registry.scoped_model(AssessmentScheme, schemes_for_user)
        registry.scoped_model(AssessmentCycle, cycles_for_user)
        registry.scoped_model(Assessment, assessments_for_user)
        registry.scoped_model(ScoreSheet, sheets_for_user)
        registry.audited("assessments.AssessmentScheme", "assessments.AssessmentCycle", "assessments.ScoreSheet",
                         "assessments.Score")
        models = ["assessments.assessmentscheme", "assessments.schemecomponent", "assessments.criterion",
                  "assessments.assessmentcycle", "assessments.assessment", "assessments.scoresheet",
                  "assessments.score"]
        domain_models(*models)
        # The organisation department sets the schemes, opens cycles, reviews and publishes (二(四)2, 五(三)).
        registry.role_permissions(Role.ORGDEPT_REVIEWER, [
            *crud("assessments.assessmentscheme", "add", "change"), *crud("assessments.assessmentcycle", "add", "change"),
            *crud("assessments.scoresheet", "change"), "assessments.review_assessmentcycle"])
        registry.role_permissions(Role.DISTRICT_ADMIN, ["assessments.review_assessmentcycle"])
        # Streets and communities score what they rate, read their own results and open cycles for their own
        # subjects (三(四)3: a street its community workers each half year, a community its grid workers each
        # quarter; the service keeps each to its unit).
        for role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF):
            registry.role_permissions(role, [
                *crud("assessments.assessmentscheme", "view"), *crud("assessments.assessmentcycle", "view", "add"),
                *crud("assessments.assessment", "view"), *crud("assessments.scoresheet", "view", "change")])
        # A department fills its part in assessing the heads of the agencies it stations in the streets (五(三)).
        registry.role_permissions(Role.DEPARTMENT_USER, [*crud("assessments.scoresheet", "change")])

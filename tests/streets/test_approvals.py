"""An approval approves one thing (二(二)1, 二(二)2, 三(二)2): the excess its post caused, of the cap that
refused it and the rule version in force, in its own unit; nothing else."""

import datetime

import pytest

from governance.findings import findings_for
from governance.models import PolicyRule, PostKind, StaffCategory
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def found(street, rule, on=None):
    return [x for x in findings_for(user=f.user(Role.DISTRICT_ADMIN), street_id=street.pk, on=on) if x.rule == rule]


def test_an_approved_staff_excess_is_covered_and_a_second_excess_is_not():
    street = f.street()
    f.street_staff(street, 30)
    approved = f.post(PostKind.STREET_STAFF, street=street, staff_category=StaffCategory.CAREER,
                      approval_reference="兴编批〔2024〕1号")
    assert approved.approval_covers == "street.staff_cap:staff@2018-10-01"
    [one] = found(street, "street.staff_cap")
    assert one.approved and one.approvals == ("兴编批〔2024〕1号",) and one.uncovered == 0
    # a 32nd with its own approval: both covered
    f.post(PostKind.STREET_STAFF, street=street, staff_category=StaffCategory.CAREER, approval_reference="兴编批〔2024〕2号")
    [two] = found(street, "street.staff_cap")
    assert two.approved and len(two.approvals) == 2


def test_a_staff_cap_approval_does_not_approve_a_leadership_excess():
    street = f.street()
    for kind in (PostKind.STREET_DEPUTY_SECRETARY,) * 2 + (PostKind.STREET_DEPUTY_DIRECTOR,) * 2:
        f.post(kind, street=street)
    # the 5th deputy recorded with a reference given for the staff cap elsewhere cannot borrow it: the post's
    # own reference covers the deputy excess it causes, and only that
    fifth = f.post(PostKind.STREET_DEPUTY_DIRECTOR, street=street, approval_reference="兴组批〔2024〕5号")
    assert fifth.approval_covers == "street.leadership_posts:deputy@2018-10-01"
    [lead] = found(street, "street.leadership_posts")
    assert lead.approved
    assert found(street, "street.staff_cap") == []


def test_an_approval_under_one_rule_version_does_not_cover_the_excess_of_a_later_version():
    street = f.street()
    f.street_staff(street, 30)
    f.post(PostKind.STREET_STAFF, street=street, staff_category=StaffCategory.CAREER, approval_reference="批1")
    seed = PolicyRule.objects.get(key="street.staff_cap", effective_from=datetime.date(2018, 10, 1))
    PolicyRule.objects.create(key=seed.key, title=seed.title, clause=seed.clause, note="",
                              value={**seed.value, "cap": 29}, effective_from=datetime.date(2025, 1, 1))
    [before] = found(street, "street.staff_cap", on=datetime.date(2024, 6, 1))
    assert before.approved
    [after] = found(street, "street.staff_cap", on=datetime.date(2025, 6, 1))
    # 31 against a cap of 29: an excess of 2 that the 2018 version's approval does not cover
    assert not after.approved and after.approvals == () and after.uncovered == 2


def test_another_streets_approval_covers_nothing_here():
    a, b = f.street(), f.street()
    f.street_staff(a, 30)
    f.post(PostKind.STREET_STAFF, street=a, staff_category=StaffCategory.CAREER, approval_reference="甲批")
    assert found(b, "street.staff_cap") == []
    [finding_a] = found(a, "street.staff_cap")
    assert finding_a.approvals == ("甲批",)


def test_a_reference_on_a_post_that_breaks_nothing_approves_nothing():
    street = f.street()
    post = f.post(PostKind.STREET_STAFF, street=street, staff_category=StaffCategory.CAREER, approval_reference="无用")
    assert post.approval_covers == ""


# --- secondments (挂职) are those 二(二)2 names ---

@pytest.mark.parametrize("role, kind", [
    ("police_station_head", PostKind.STREET_DEPUTY_SECRETARY), ("police_station_head", PostKind.STREET_DEPUTY_DIRECTOR),
    ("law_enforcement_head", PostKind.STREET_COMMITTEE_MEMBER), ("law_enforcement_head", PostKind.STREET_DEPUTY_DIRECTOR),
    ("judicial_office_head", PostKind.STREET_COMMITTEE_MEMBER), ("judicial_office_head", PostKind.STREET_DEPUTY_DIRECTOR),
])
def test_the_secondments_the_clause_names_are_accepted_and_not_counted(role, kind):
    from streets.selectors import street_staffing

    street = f.street()
    f.post(kind, street=street, is_secondment=True, secondment_role=role)
    s = street_staffing(street_ids=[street.pk], on=f.START)[street.pk]
    assert (s.deputy_count, s.staff_count) == (0, 0)


@pytest.mark.parametrize("role, kind", [
    ("police_station_head", PostKind.STREET_COMMITTEE_MEMBER), ("judicial_office_head", PostKind.STREET_DEPUTY_SECRETARY),
    ("other", PostKind.STREET_DEPUTY_DIRECTOR), ("", PostKind.STREET_STAFF),
    ("police_station_head", PostKind.STREET_PARTY_SECRETARY),
])
def test_another_secondment_is_refused_naming_the_clause_unless_approved(role, kind):
    from governance.exceptions import RuleViolation
    from governance.models import Post

    street = f.street()
    extra = {"staff_category": StaffCategory.CAREER} if kind == PostKind.STREET_STAFF else {}
    with pytest.raises(RuleViolation) as exc:
        f.post(kind, street=street, is_secondment=True, secondment_role=role, **extra)
    assert (exc.value.rule, exc.value.clause, exc.value.field) == ("street.seconded_leaders", "二(二)2",
                                                                   "approval_reference")
    assert not Post.objects.filter(street=street).exists()
    post = f.post(kind, street=street, is_secondment=True, secondment_role=role, approval_reference="兴组批〔2024〕7号", **extra)
    assert "street.seconded_leaders:secondment@2018-10-01" in post.approval_covers

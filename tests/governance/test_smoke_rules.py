import pytest

from governance.exceptions import RuleViolation
from governance.models import PostKind
from governance.rules import rule_value
from tests import factories as f


@pytest.mark.django_db
def test_seeded_rule_cites_its_clause():
    rule = rule_value("community.work_funds")
    assert rule.clause == "五(二)"
    assert [row["value"] for row in rule.value] == [100000, 130000, 150000]


@pytest.mark.django_db
def test_thirty_first_counted_staff_is_refused_without_approval():
    street = f.street()
    f.street_staff(street, 30)
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.STREET_STAFF, street=street, staff_category="public_post")
    assert (exc.value.rule, exc.value.field) == ("street.staff_cap", "approval_reference")
    assert "二(二)1" in str(exc.value)

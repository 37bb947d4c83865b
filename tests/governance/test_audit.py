"""The audit trail reads as a person would: names and labels, not ids and codes."""

import pytest
from django.test import Client

from governance.audit import audit_entries
from governance.models import PostKind
from governance.roles import Role
from governance.services import post_update
from tests import factories as f


@pytest.mark.django_db
def test_a_change_shows_labels_and_names_with_before_and_after():
    street = f.street(name="胜利街")
    clerk = f.user(Role.STREET_STAFF, street)
    post = f.post(PostKind.STREET_STAFF, street=street, staff_category="career", person=f.person(name="马建华"))

    post_update(post=post, acting_user=clerk, staff_category="public_post")

    entry = next(e for e in audit_entries() if e.model == "职务" and e.action == "修改")
    assert entry.who == clerk.username
    assert ("人员类别", "事业编制", "公岗") in entry.changes
    created = next(e for e in audit_entries() if e.model == "职务" and e.action == "新增")
    assert ("人员", "", "马建华") in created.changes and ("街道", "", "胜利街") in created.changes


@pytest.mark.django_db
def test_the_audit_page_shows_the_approval_reference_of_an_approved_excess():
    street = f.street()
    f.street_staff(street, 30)
    f.post(PostKind.STREET_STAFF, street=street, staff_category="public_post", approval_reference="兴编办发〔2024〕7号")
    client = Client()
    client.force_login(f.user(Role.ORGDEPT_REVIEWER))

    html = client.get("/audit/").content.decode()

    assert "兴编办发〔2024〕7号" in html and "超额批准文号" in html

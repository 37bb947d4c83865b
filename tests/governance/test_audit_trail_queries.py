"""The audit trail page at district scale (issue 14): a fixed number of queries whatever the tables its rows come
from (it was two a table and one a related model), the same entries as reading each table on its own."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.audit import _in_bulk_names
from governance.audit_trail import AuditFilters, _related_names, audit_page
from governance.models import Department, PostKind
from governance.roles import Role
from governance.services import post_end, post_update
from grids.models import EventCategory
from tests import factories as f

pytestmark = pytest.mark.django_db


def reviewer():
    client = Client()
    client.force_login(f.user(Role.ORGDEPT_REVIEWER))
    return client


def page_queries(client, **params) -> int:
    client.get("/audit/", params)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/audit/", params).status_code == 200
    return len(queries)


def test_the_pages_queries_do_not_depend_on_the_tables_its_rows_come_from(two_streets):
    client = reviewer()
    post = f.post(PostKind.STREET_STAFF, street=two_streets["a"], staff_category="career", person=f.person(name="马建华"))
    post_update(post=post, acting_user=None, staff_category="public_post")
    few = page_queries(client)
    assert few <= 10
    # rows of many more tables on the page, naming many more kinds of related rows
    street = f.street(name="丙街")
    community = f.community(street)
    f.grid(community)
    f.station(street, community)
    f.department()
    grid_post = f.post(PostKind.GRID_WORKER, community=community)
    post_end(post=grid_post, acting_user=None, end_date=grid_post.start_date, reason="调任")
    assert page_queries(client) == few
    assert page_queries(client, model="governance.Post") == few
    # a page that names no related row (changes of dates and choices only) does without the names' query
    assert page_queries(client, model="governance.Post", action="~") == few - 1


def test_the_page_shows_what_each_table_on_its_own_shows(two_streets):
    clerk = f.user(Role.STREET_STAFF, two_streets["a"])
    person = f.person(name="马建华")
    post = f.post(PostKind.STREET_STAFF, street=two_streets["a"], staff_category="career", person=person)
    post_update(post=post, acting_user=clerk, staff_category="public_post")
    f.grid(two_streets["ca"])
    entries = audit_page(AuditFilters(), offset=0, limit=50)
    changed = next(e for e in entries if e.model == "职务" and e.action == "修改")
    assert changed.object_label.startswith("马建华 · 街道工作人员 #") and clerk.username in changed.who
    assert ("人员类别", "事业编制", "公岗") in changed.changes
    created = next(e for e in entries if e.model == "职务" and e.action == "新增")
    assert ("人员", "", "马建华") in created.changes and ("街道", "", two_streets["a"].name) in created.changes
    assert isinstance(changed.when, datetime.datetime) and changed.when.tzinfo is not None
    grid = next(e for e in entries if e.model == "网格")
    assert ("社区", "", two_streets["ca"].name) in grid.changes and grid.who == "系统"


def test_related_names_are_read_in_one_query_and_read_as_their_str():
    child = EventCategory.objects.filter(parent__isnull=False).select_related("parent").first()
    department = f.department()
    wanted = {EventCategory: {child.pk, child.parent_id}, Department: {department.pk}}
    expected = _in_bulk_names(wanted)
    with CaptureQueriesContext(connection) as queries:
        names = _related_names(wanted)
    assert len(queries) == 1 and names == expected
    assert names[EventCategory][child.pk] == f"{child.parent.name} / {child.name}"


def test_the_user_filter_keeps_the_chosen_account_and_escapes_names(two_streets):
    clerk = f.user(Role.STREET_STAFF, two_streets["a"])
    clerk.first_name = "<b>王</b>"
    clerk.save()
    html = reviewer().get("/audit/", {"user": clerk.pk}).content.decode()
    assert f'<option value="{clerk.pk}" selected>&lt;b&gt;王&lt;/b&gt;（{clerk.username}）</option>' in html
    assert '<select name="user" id="id_user">' in html and "<b>王</b>" not in html

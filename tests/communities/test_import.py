"""Yearly update of community figures from a spreadsheet (admin import, django-import-export)."""

import pytest
import tablib
from django.test import Client

from communities.models import Community
from communities.resources import CommunityFiguresResource
from governance.roles import Role
from tests import factories as f

HEADERS = ["社区代码", "街道", "社区名称", "登记户数", "直管党员人数", "情况复杂社区"]


def sheet(*rows):
    return tablib.Dataset(*rows, headers=HEADERS)


@pytest.fixture
def community(db):
    return f.community(f.street(name="文化街"), code="whj-01", name="东苑社区", households=2999, party_members=100)


def test_export_has_chinese_headers_and_yes_no(community):
    data = CommunityFiguresResource().export()

    assert data.headers == HEADERS
    assert data[0] == ("whj-01", "文化街", "东苑社区", 2999, 100, "否")


def test_import_updates_the_figures_through_the_service_and_is_audited(community):
    admin = f.user(Role.DISTRICT_ADMIN)

    result = CommunityFiguresResource().import_data(
        sheet(["whj-01", "文化街", "改名无效", "3000", "101", "是"]), dry_run=False, user=admin,
        rollback_on_validation_errors=True,
    )

    assert not result.has_errors() and not result.has_validation_errors()
    community.refresh_from_db()
    assert (community.households, community.party_members, community.is_complex) == (3000, 101, True)
    assert community.name == "东苑社区"  # name and street are read-only in the sheet
    assert community.history.first().history_user == admin


@pytest.mark.parametrize("row", [
    ["no-such-code", "", "", "3000", "101", "否"],   # an unknown community is not created
    ["whj-01", "", "", "-5", "101", "否"],           # negative households
])
def test_a_bad_row_writes_nothing(community, row):
    other = f.community(community.street, code="whj-02", households=1000)

    result = CommunityFiguresResource().import_data(
        sheet(["whj-02", "", "", "1200", "50", "否"], row), dry_run=False, user=None, rollback_on_validation_errors=True,
    )

    assert result.has_errors() or result.has_validation_errors()
    other.refresh_from_db()
    community.refresh_from_db()
    assert other.households == 1000 and community.households == 2999
    assert not Community.objects.filter(code="no-such-code").exists()


def test_only_the_district_administrator_sees_the_import_page(community):
    admin, reviewer = Client(), Client()
    admin.force_login(f.user(Role.DISTRICT_ADMIN))
    reviewer.force_login(f.user(Role.ORGDEPT_REVIEWER))

    assert admin.get("/admin/communities/community/import/").status_code == 200
    assert admin.get("/admin/communities/community/").content.decode().count("导入") >= 1
    assert reviewer.get("/admin/communities/community/import/").status_code == 302  # not an admin-site user

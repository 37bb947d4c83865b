"""Grid party organisations and the party members' model posts (四(二)1): one organisation in force per
grid, the coverage finding, the API and pages in scope, lists in constant queries."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from governance.findings import findings_for
from governance.roles import Role
from grids import services
from grids.models import GridPartyOrganization, PartyModelPost
from tests import factories as f
from tests.conftest import api_as

pytestmark = pytest.mark.django_db
API = "/api/v1"


def client_for(user):
    return f.client_for(user)


def org(grid, **fields):
    return services.party_organization_create(acting_user=None, grid=grid, **{
        "kind": "branch", "name": f"{grid.name}党支部", "leader": "李书记", **fields})


def model_post(grid, **fields):
    return services.party_model_post_create(acting_user=None, grid=grid, **{
        "kind": "responsibility_area", "name": f"{grid.name}1号楼党员责任区", "member": "张党员", **fields})


def party_findings(user, community):
    return [x for x in findings_for(user=user, community_id=community.pk) if x.rule == "grids.party_coverage"]


# ------------------------------------------------------------------- services


def test_one_party_organisation_in_force_per_grid(w):
    first = org(w["grid_a"])
    with pytest.raises(ValidationError) as exc:
        org(w["grid_a"], kind="instructor", name="党建指导员", leader="王指导员")
    assert "已设置网格党组织" in str(exc.value)
    assert GridPartyOrganization.objects.filter(grid=w["grid_a"]).count() == 1
    # Dissolved (ended), another form may take its place; the history keeps both
    services.party_organization_update(organization=first, acting_user=None, ended_on=datetime.date(2026, 1, 1),
                                       expected_version=first.version)
    second = org(w["grid_a"], kind="instructor", name="党建指导员", leader="王指导员")
    assert second.pk and first.history.count() == 2


def test_an_instructor_is_named_and_a_model_post_sits_in_its_own_grid(w):
    with pytest.raises(ValidationError) as exc:
        org(w["grid_a"], kind="instructor", name="党建指导员", leader="")
    assert "须填写党建指导员姓名" in str(exc.value)
    other_unit = services.grid_unit_create(acting_user=None, grid=w["grid_a2"], kind="building", name="9号楼")
    with pytest.raises(ValidationError) as exc:
        model_post(w["grid_a"], unit=other_unit)
    assert exc.value.message_dict == {"unit": ["小单元不属于该网格。"]}
    assert not GridPartyOrganization.objects.exists() and not PartyModelPost.objects.exists()


# ------------------------------------------------------------------- the rule (四(二)1)


def test_every_grid_has_a_party_organisation_and_a_model_post(db):
    admin = f.user(Role.DISTRICT_ADMIN)
    community = f.community(households=500)
    grid = services.grid_create(acting_user=None, community=community, code="east", name="东网格", households=500)
    found = party_findings(admin, community)
    assert [(x.rule, x.clause) for x in found] == [("grids.party_coverage", "四(二)1")] * 2
    assert any("网格未设置网格党组织：东网格" in x.message for x in found)
    org(grid)
    found = party_findings(admin, community)
    assert len(found) == 1 and "党员示范岗、责任区少于 1 个：东网格" in found[0].message
    # Boundary: a stood-down post does not count; one active post (the rule's figure) is enough
    post = model_post(grid, is_active=False)
    assert len(party_findings(admin, community)) == 1
    services.party_model_post_update(post=post, acting_user=None, is_active=True, expected_version=post.version)
    assert party_findings(admin, community) == []


def test_an_ended_organisation_leaves_the_grid_uncovered(db):
    admin = f.user(Role.DISTRICT_ADMIN)
    community = f.community(households=500)
    grid = services.grid_create(acting_user=None, community=community, code="west", name="西网格", households=500)
    model_post(grid)
    o = org(grid)
    assert party_findings(admin, community) == []
    services.party_organization_update(organization=o, acting_user=None, ended_on=datetime.date(2026, 1, 1))
    assert ["网格未设置网格党组织：西网格"] == [x.message for x in party_findings(admin, community)]


# ------------------------------------------------------------------- API


@pytest.fixture
def party(w):
    return w, {"grid-party-organizations": org(w["grid_a"]), "party-model-posts": model_post(w["grid_a"])}


MODELS = {"grid-party-organizations": GridPartyOrganization, "party-model-posts": PartyModelPost}
# What each outsider gets: the list answers 200 without the row, the row itself 404, a change 404 for a
# role that may change such rows elsewhere (community staff) and 403 for one that may not change any.
PATCH_STATUS = {"cs_b": 404, "ss_b": 403, "gw_b": 403, "gw_a2": 403}


@pytest.mark.parametrize("endpoint", list(MODELS))
@pytest.mark.parametrize("outsider", list(PATCH_STATUS))
def test_another_unit_sees_and_changes_nothing(party, endpoint, outsider):
    w, rows = party
    row = rows[endpoint]
    client = api_as(w[outsider])
    listed = client.get(f"{API}/{endpoint}/")
    assert listed.status_code == 200 and row.pk not in [r["id"] for r in listed.data["results"]]
    assert client.get(f"{API}/{endpoint}/{row.pk}/").status_code == 404
    r = client.patch(f"{API}/{endpoint}/{row.pk}/", {"name": "改"}, format="json")
    assert r.status_code == PATCH_STATUS[outsider]
    assert MODELS[endpoint].objects.get(pk=row.pk).version == row.version


def test_the_community_sets_up_its_grids_party_organisation_through_the_api(party):
    w, rows = party
    body = {"grid": w["grid_a2"].pk, "kind": "joint_branch", "name": "联合党支部", "leader": "赵书记", "members": 12}
    r = api_as(w["cs_b"]).post(f"{API}/grid-party-organizations/", body, format="json")  # another street's grid
    assert r.status_code == 400 and "grid" in r.data
    assert api_as(w["ss_a"]).post(f"{API}/grid-party-organizations/", body, format="json").status_code == 403
    assert api_as(w["gw_a2"]).post(f"{API}/grid-party-organizations/", body, format="json").status_code == 403
    r = api_as(w["cs_a"]).post(f"{API}/grid-party-organizations/", body, format="json")
    assert r.status_code == 201 and r.data["kind_label"] == "联合党支部"
    # A second one in force in the same grid: 400 naming the rule of one per grid, nothing created
    r = api_as(w["cs_a"]).post(f"{API}/grid-party-organizations/", {**body, "name": "另一个"}, format="json")
    assert r.status_code == 400 and "已设置网格党组织" in str(r.data)
    assert GridPartyOrganization.objects.filter(grid=w["grid_a2"]).count() == 1
    # A stale If-Match: 412, unchanged
    post = rows["party-model-posts"]
    r = api_as(w["cs_a"]).patch(f"{API}/party-model-posts/{post.pk}/", {"member": "孙党员"}, format="json",
                                HTTP_IF_MATCH=f'"{post.version + 5}"')
    assert r.status_code == 412
    r = api_as(w["cs_a"]).patch(f"{API}/party-model-posts/{post.pk}/", {"member": "孙党员"}, format="json",
                                HTTP_IF_MATCH=f'"{post.version}"')
    assert r.status_code == 200 and r.data["member"] == "孙党员"


@pytest.mark.parametrize("endpoint", list(MODELS))
def test_lists_are_constant_in_queries(party, endpoint, django_assert_max_num_queries, admin_user):
    w, _ = party
    client = api_as(admin_user)
    with django_assert_max_num_queries(12) as small:
        client.get(f"{API}/{endpoint}/")
    for i in range(8):
        grid = services.grid_create(acting_user=None, community=w["cb"], code=f"p{i}", name=f"党建{i}", households=1)
        org(grid)
        unit = services.grid_unit_create(acting_user=None, grid=grid, kind="building", name="1号楼")
        model_post(grid, unit=unit)
    with django_assert_max_num_queries(len(small.captured_queries)):
        r = client.get(f"{API}/{endpoint}/")
    assert r.status_code == 200 and r.data["count"] == 9


# ------------------------------------------------------------------- pages


def test_grid_page_and_community_page_show_the_party_organisation(party, django_assert_max_num_queries):
    w, rows = party
    page = client_for(w["gw_a"]).get(f"/grids/{w['grid_a'].pk}/").content.decode()
    assert rows["grid-party-organizations"].name in page and "张党员" in page
    assert "设置网格党组织" not in page  # a grid worker reads it; the community sets it up
    page = client_for(w["cs_a"]).get(f"/communities/{w['ca'].pk}/").content.decode()
    assert rows["grid-party-organizations"].name in page and rows["party-model-posts"].name in page
    assert "未设置" in page  # grid_a2 has none
    client = client_for(w["cs_a"])
    few = len(_queries(client, f"/communities/{w['ca'].pk}/"))
    for i in range(6):
        grid = services.grid_create(acting_user=None, community=w["ca"], code=f"q{i}", name=f"加{i}", households=1)
        org(grid)
        model_post(grid)
    with django_assert_max_num_queries(few):
        page = client.get(f"/communities/{w['ca'].pk}/").content.decode()
    assert "加5党支部" in page


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return ctx.captured_queries


def test_party_pages_create_and_edit_in_scope(party):
    w, rows = party
    grid = w["grid_a2"]
    new = f"/grids/{grid.pk}/party-organizations/new/"
    body = {"kind": "group", "name": "第2网格党小组", "leader": "钱组长", "members": "5"}
    assert client_for(w["cs_b"]).post(new, body).status_code == 404  # another street's grid
    assert client_for(w["ss_a"]).post(new, body).status_code == 403  # a street reads, the community sets up
    assert client_for(w["gw_a2"]).post(new, body).status_code == 403
    assert not GridPartyOrganization.objects.filter(grid=grid).exists()
    r = client_for(w["cs_a"]).post(new, body)
    assert r.status_code == 302 and r["Location"] == f"/grids/{grid.pk}/"
    o = GridPartyOrganization.objects.get(grid=grid)
    edit = f"/grid-party-organizations/{o.pk}/edit/"
    assert client_for(w["cs_b"]).get(edit).status_code == 404
    assert client_for(w["ss_a"]).get(edit).status_code == 403
    r = client_for(w["cs_a"]).post(edit, {**body, "members": "6", "expected_version": o.version + 3})
    assert r.status_code == 200 and "已被他人修改" in r.content.decode()
    r = client_for(w["cs_a"]).post(edit, {**body, "members": "6", "expected_version": o.version})
    assert r.status_code == 302
    o.refresh_from_db()
    assert o.members == 6
    # Model posts: a unit of another grid is not offered (form), a post of another street is 404
    post = rows["party-model-posts"]
    pedit = f"/party-model-posts/{post.pk}/edit/"
    assert client_for(w["cs_b"]).get(pedit).status_code == 404
    r = client_for(w["cs_a"]).post(f"/grids/{grid.pk}/party-posts/new/",
                                   {"kind": "model_post", "name": "党员示范岗", "member": "周党员", "is_active": "on"})
    assert r.status_code == 302 and PartyModelPost.objects.filter(grid=grid, member="周党员").exists()
    assert client_for(w["cs_b"]).post(f"/grids/{grid.pk}/party-posts/new/",
                                      {"kind": "model_post", "name": "x", "member": "y"}).status_code == 404

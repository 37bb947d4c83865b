"""The grid's smaller units (楼栋长、片区长, 四(一)): listed on the grid page in constant queries, set up and
edited by the community on pages (a stale version is refused), out of reach of another street."""

import pytest

from grids import services
from grids.models import GridUnit
from tests import factories as f

pytestmark = pytest.mark.django_db


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_grid_page_lists_the_units_in_constant_queries(w, django_assert_max_num_queries):
    grid = w["grid_a"]
    services.grid_unit_create(acting_user=None, grid=grid, kind="building", name="1号楼", leader="王楼长",
                              leader_phone="13800000000")
    client = f.client_for(w["cs_a"])
    url = f"/grids/{grid.pk}/"
    few = _count(client, url)
    for i in range(2, 10):
        unit = services.grid_unit_create(acting_user=None, grid=grid, kind="area", name=f"{i}号片区", leader=f"片长{i}")
        services.party_model_post_create(acting_user=None, grid=grid, kind="model_post", name=f"示范岗{i}",
                                         member=f"党员{i}", unit=unit)
    with django_assert_max_num_queries(few):
        page = client.get(url).content.decode()
    assert "王楼长" in page and "9号片区" in page and "设立小单元" in page
    assert f"/grid-units/{GridUnit.objects.get(name='1号楼').pk}/edit/" in page
    # A grid worker reads the units; the community sets them up
    page = f.client_for(w["gw_a"]).get(url).content.decode()
    assert "王楼长" in page and "设立小单元" not in page and "/edit/" not in page


def test_the_community_sets_up_and_edits_a_unit(w):
    grid = w["grid_a"]
    new = f"/grids/{grid.pk}/units/new/"
    body = {"kind": "building", "name": "3号楼", "leader": "刘楼长", "leader_phone": ""}
    assert f.client_for(w["cs_b"]).get(new).status_code == 404  # another street's community
    assert f.client_for(w["cs_b"]).post(new, body).status_code == 404
    assert f.client_for(w["ss_a"]).post(new, body).status_code == 403  # the street reads only
    assert f.client_for(w["gw_a"]).post(new, body).status_code == 403
    assert not GridUnit.objects.exists()
    r = f.client_for(w["cs_a"]).post(new, body)
    assert r.status_code == 302 and r["Location"] == f"/grids/{grid.pk}/"
    unit = GridUnit.objects.get()
    # The same name twice in a grid: refused on the form, nothing added
    r = f.client_for(w["cs_a"]).post(new, body)
    assert r.status_code == 200 and GridUnit.objects.count() == 1
    edit = f"/grid-units/{unit.pk}/edit/"
    assert f.client_for(w["cs_b"]).get(edit).status_code == 404
    assert f.client_for(w["ss_b"]).get(edit).status_code == 403
    assert f.client_for(w["gw_a"]).get(edit).status_code == 403
    r = f.client_for(w["cs_a"]).get(edit)
    assert r.status_code == 200 and 'name="expected_version"' in r.content.decode()
    r = f.client_for(w["cs_a"]).post(edit, {**body, "leader": "陈楼长", "expected_version": unit.version + 1})
    assert r.status_code == 200 and "已被他人修改" in r.content.decode()
    unit.refresh_from_db()
    assert unit.leader == "刘楼长"
    r = f.client_for(w["cs_a"]).post(edit, {**body, "leader": "陈楼长", "expected_version": unit.version})
    assert r.status_code == 302
    unit.refresh_from_db()
    assert unit.leader == "陈楼长" and unit.history.first().history_user == w["cs_a"]

"""Ledgers (台账, 四(二)2): masking, special groups by role, Excel import with bad rows, export."""

import io

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from grids import ledger_excel
from grids.models import LedgerEntry
from grids.services import ledger_entry_create
from tests.conftest import api_as

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def entries(w):
    ledger_entry_create(acting_user=None, grid=w["grid_a"], kind="shop", name="便民超市", phone="13909511234")
    ledger_entry_create(acting_user=None, grid=w["grid_a"], kind="special_group", group="elderly_alone", name="张大爷",
                        id_number="640104194001011234", phone="13909515678")
    return w


def test_grid_worker_sees_everything_street_staff_sees_masked_data_and_no_special_groups(entries):
    w = entries
    rows = api_as(w["gw_a"]).get(f"{API}/ledger-entries/").data["results"]
    assert sorted(r["name"] for r in rows) == ["便民超市", "张大爷"]
    assert {r["phone"] for r in rows} == {"13909511234", "13909515678"}
    rows = api_as(w["ss_a"]).get(f"{API}/ledger-entries/").data["results"]
    assert [(r["name"], r["phone"]) for r in rows] == [("便民超市", "139****1234")]
    assert api_as(w["ss_b"]).get(f"{API}/ledger-entries/").data["count"] == 0


def test_a_grid_worker_cannot_write_into_another_grid(entries):
    w = entries
    r = api_as(w["gw_a"]).post(f"{API}/ledger-entries/", {"grid": w["grid_b"].pk, "kind": "shop", "name": "x"},
                                format="json")
    assert r.status_code == 400 and "grid" in r.data


def test_special_group_needs_its_group(entries):
    r = api_as(entries["gw_a"]).post(f"{API}/ledger-entries/", {"grid": entries["grid_a"].pk, "kind": "special_group",
                                                               "name": "李某"}, format="json")
    assert r.status_code == 400
    assert LedgerEntry.objects.count() == 2


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(ledger_excel.COLUMNS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD = ["居民小区", "阳光花园", "", "文化街1号", "物业", "0951-6012345", "", "否", ""]
BAD_KIND = ["小卖部", "某店", "", "", "", "", "", "", ""]
BAD_ID = ["特殊群体", "王某", "独居老人", "", "", "", "12345", "", ""]


def test_a_file_with_errors_imports_nothing_and_lists_each_row_in_chinese(w):
    result = ledger_excel.ledger_import(grid=w["grid_a"], content=_xlsx([GOOD, BAD_KIND, BAD_ID]), acting_user=None,
                                        special_allowed=True, import_valid_rows=False)
    assert (result.rows, result.valid, result.error_count, result.imported) == (3, 1, 2, 0)
    assert result.errors[0][0] == 3 and "台账类别“小卖部”无效" in result.errors[0][1]
    assert result.errors[1][0] == 4 and "身份证号“12345”应为18位" in result.errors[1][1]
    assert not LedgerEntry.objects.exists()


def test_the_user_may_choose_to_import_the_valid_rows(w):
    result = ledger_excel.ledger_import(grid=w["grid_a"], content=_xlsx([GOOD, BAD_KIND]), acting_user=None,
                                        special_allowed=True, import_valid_rows=True)
    assert result.imported == 1
    entry = LedgerEntry.objects.get()
    assert (entry.name, entry.kind, entry.grid) == ("阳光花园", "compound", w["grid_a"])
    assert entry.history.count() == 1


def test_not_an_excel_file_is_an_error_not_a_500(w):
    client = Client()
    client.force_login(w["gw_a"])
    upload = io.BytesIO(b"not excel")
    upload.name = "ledger.xlsx"
    r = client.post(f"/grids/{w['grid_a'].pk}/ledger/import/", {"file": upload})
    assert r.status_code == 200 and "不是有效的 Excel" in r.content.decode()
    assert not LedgerEntry.objects.exists()


def test_import_page_and_export_with_masking(entries):
    w = entries
    client = Client()
    client.force_login(w["gw_a"])
    upload = io.BytesIO(_xlsx([GOOD]))
    upload.name = "ledger.xlsx"
    r = client.post(f"/grids/{w['grid_a'].pk}/ledger/import/", {"file": upload})
    assert r.status_code == 302 and LedgerEntry.objects.count() == 3
    sheet = load_workbook(io.BytesIO(client.get(f"/grids/{w['grid_a'].pk}/ledger.xlsx").content)).active
    assert "640104194001011234" in [c for row in sheet.iter_rows(values_only=True) for c in row]
    street = Client()
    street.force_login(w["ss_a"])
    sheet = load_workbook(io.BytesIO(street.get(f"/grids/{w['grid_a'].pk}/ledger.xlsx").content)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "张大爷" not in cells and "139****1234" in cells
    other = Client()
    other.force_login(w["ss_b"])
    assert other.get(f"/grids/{w['grid_a'].pk}/ledger.xlsx").status_code == 404
    assert load_workbook(io.BytesIO(client.get("/grids/ledger-template.xlsx").content)).active["A1"].value == "台账类别"

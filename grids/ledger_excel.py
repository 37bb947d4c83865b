"""A grid's ledger (台账, 四(二)2) to and from Excel, with a template.

Import reads the file once in openpyxl's read-only mode, row by row, so that a file of 100,000 rows never
sits in memory: each row is checked (errors in Chinese, by row number) and the valid rows are written in
batches with their history rows, inside one transaction that is rolled back at the end if the file had an
error and the user did not choose to import the valid rows: nothing is kept from such a file.
"""

import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from simple_history.utils import bulk_create_with_history

from grids.models import LedgerEntry
from grids.selectors import mask

COLUMNS = ["台账类别", "名称/姓名", "特殊群体类别", "地址", "联系人", "联系电话", "身份证号", "问题未解决", "备注"]
FIELDS = ["kind", "name", "group", "address", "contact", "phone", "id_number", "is_open", "note"]
KINDS = {label: value for value, label in LedgerEntry.Kind.choices}
GROUPS = {label: value for value, label in LedgerEntry.Group.choices if value}
KIND_LABELS = dict(LedgerEntry.Kind.choices)
GROUP_LABELS = dict(LedgerEntry.Group.choices)
ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
PHONE = re.compile(r"^[\d\-+ ]{7,20}$")
MAX_ERRORS_SHOWN = 200
BATCH = 2000


def template() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(COLUMNS)
    ws.append(["居民小区", "阳光花园", "", "兴庆区文化街1号", "物业服务中心", "0951-6012345", "", "否", "示例行，导入前请删除"])
    ws.append(["特殊群体", "张某某", "独居老人", "阳光花园3号楼2单元", "", "13909510000", "640104194001011234", "否", "示例行"])
    help_ws = wb.create_sheet("填写说明")
    help_ws.append(["列", "可填写的值"])
    help_ws.append(["台账类别", "、".join(KINDS)])
    help_ws.append(["特殊群体类别", "、".join(GROUPS) + "（仅台账类别为“特殊群体”时填写）"])
    help_ws.append(["问题未解决", "是 / 否（困难问题填写）"])
    help_ws.append(["身份证号", "18位，末位可为X"])
    return _save(wb)


def export(entries, *, masked: bool) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(COLUMNS)
    for e in entries.iterator(chunk_size=2000):
        ws.append([KIND_LABELS.get(e.kind, e.kind), e.name, GROUP_LABELS.get(e.group, "") if e.group else "", e.address,
                   e.contact, mask(e.phone) if masked else e.phone, mask(e.id_number) if masked else e.id_number,
                   "是" if e.is_open else "否", e.note])
    return _save(wb)


def _save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass
class ImportResult:
    rows: int = 0
    valid: int = 0
    imported: int = 0
    errors: list = field(default_factory=list)  # (row number, message)
    error_count: int = 0

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _row(cells, *, special_allowed: bool) -> tuple[dict | None, list[str]]:
    values = {name: _text(cells[i]) if i < len(cells) else "" for i, name in enumerate(FIELDS)}
    errors = []
    kind = KINDS.get(values["kind"])
    if kind is None:
        errors.append(_("台账类别“%(v)s”无效，应为：%(all)s") % {"v": values["kind"], "all": "、".join(KINDS)})
    if not values["name"]:
        errors.append(_("名称/姓名不能为空"))
    elif len(values["name"]) > 100:
        errors.append(_("名称/姓名超过100字"))
    group = ""
    if kind == LedgerEntry.Kind.SPECIAL_GROUP:
        if not special_allowed:
            errors.append(_("您的角色不能登记特殊群体台账"))
        group = GROUPS.get(values["group"], "")
        if not group:
            errors.append(_("特殊群体类别“%(v)s”无效，应为：%(all)s") % {"v": values["group"], "all": "、".join(GROUPS)})
    elif values["group"]:
        errors.append(_("只有特殊群体填写特殊群体类别"))
    if values["phone"] and not PHONE.match(values["phone"]):
        errors.append(_("联系电话“%(v)s”格式不正确") % {"v": values["phone"]})
    if values["id_number"] and not ID_NUMBER.match(values["id_number"]):
        errors.append(_("身份证号“%(v)s”应为18位") % {"v": values["id_number"]})
    if values["is_open"] not in ("", "是", "否"):
        errors.append(_("问题未解决应填“是”或“否”"))
    for name, limit in (("address", 200), ("contact", 50), ("note", 200)):
        if len(values[name]) > limit:
            errors.append(_("%(col)s超过%(n)s字") % {"col": COLUMNS[FIELDS.index(name)], "n": limit})
    if errors:
        return None, errors
    return {**values, "kind": kind, "group": group, "is_open": values["is_open"] == "是",
            "id_number": values["id_number"].upper()}, []


def _rows(content: bytes):
    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        for number, cells in enumerate(ws.iter_rows(values_only=True), 1):
            if number == 1 or not any(c not in (None, "") for c in cells):
                continue
            yield number, cells
    finally:
        wb.close()


def _write(batch: list, acting_user) -> int:
    user = acting_user if acting_user is not None and acting_user.is_authenticated else None
    return len(bulk_create_with_history(batch, LedgerEntry, batch_size=BATCH, default_user=user))


def ledger_import(*, grid, content: bytes, acting_user, special_allowed: bool, import_valid_rows: bool) -> ImportResult:
    """Check every row; write the valid rows only when there are no errors or the user chose so."""
    result = ImportResult()
    try:
        header = next(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(values_only=True,
                                                                                                 max_row=1), ())
    except Exception:  # noqa: BLE001 - any unreadable file is the user's error, never a 500
        result.errors.append((0, _("文件不是有效的 Excel（.xlsx）文件")))
        result.error_count = 1
        return result
    if [_text(c) for c in header[:len(COLUMNS)]] != COLUMNS:
        result.errors.append((1, _("表头应为：%(cols)s。请使用导入模板。") % {"cols": "、".join(COLUMNS)}))
        result.error_count = 1
        return result
    with transaction.atomic():
        batch: list = []
        for number, cells in _rows(content):
            result.rows += 1
            data, errors = _row(cells, special_allowed=special_allowed)
            if errors:
                result.error_count += 1
                if len(result.errors) < MAX_ERRORS_SHOWN:
                    result.errors.append((number, "；".join(errors)))
                continue
            result.valid += 1
            if result.error_count and not import_valid_rows:
                continue  # nothing of this file will be kept: stop writing, keep checking
            batch.append(LedgerEntry(grid=grid, **data))
            if len(batch) >= BATCH:
                result.imported += _write(batch, acting_user)
                batch = []
        if batch and not (result.error_count and not import_valid_rows):
            result.imported += _write(batch, acting_user)
        if result.error_count and not import_valid_rows:
            transaction.set_rollback(True)  # a file with errors imports nothing unless the user chose so
            result.imported = 0
    return result

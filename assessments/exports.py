"""The district budget as an Excel workbook for the finance bureau (财政局), with Chinese headers."""

import json
import tempfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from assessments.quotas import NOTES
from assessments.selectors import DistrictBudget

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SUMMARY_HEADERS = ["街道", "社区数", "登记户数", "直管党员", "“两委”成员职数", "网格员定额", "须招聘专职网格员",
                   "社区工作经费（元）", "社区党建经费（元）", "特殊荣誉奖励（元）", "奖励人数", "合计（元）"]
COMMUNITY_HEADERS = ["街道", "社区", "登记户数", "直管党员", "情况复杂", "应设党组织", "“两委”成员职数", "网格员定额",
                     "“两委”兼任网格员", "须招聘专职网格员", "社区工作经费（元）", "社区党建经费（元）"]
AWARD_HEADERS = ["姓名", "街道", "社区", "连续从事社区工作起始日期", "年限", "周年日", "奖励", "金额（元）", "是否符合条件",
                 "说明"]
BASIS_HEADERS = ["规则键", "名称", "取值", "生效日期", "条款"]


def _sheet(wb, title, headers, rows):
    """A write-only sheet: rows go to a temporary file as they are appended, never all held in memory."""
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, len(header) * 2 + 2)
    ws.append([_bold(ws, h) for h in headers])
    for row in rows:
        ws.append(row)
    return ws


def _bold(ws, value):
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=True)
    return cell


def _line(name, line):
    return [name, line.communities, line.households, line.party_members, line.committee_members, line.grid_workers,
            line.fulltime_grid_workers, line.work_funds, line.party_building_funds, line.awards, line.award_count,
            line.total]


def budget_workbook(budget: DistrictBudget, community_rows=None, *, out=None):
    """The budget workbook, written in openpyxl's write-only mode into `out` (a file; a temporary one by
    default, returned rewound): memory stays flat in the number of communities when `community_rows`
    yields (community, quota) pairs read in chunks (assessments.selectors.budget_community_rows)."""
    wb = Workbook(write_only=True)
    ws = _sheet(wb, f"{budget.year}年预算汇总", SUMMARY_HEADERS,
                [_line(line.street.name, line) for line in budget.lines])
    ws.append([_bold(ws, v) for v in _line("全区合计", budget.totals)])
    ws.append([])
    ws.append([f"按 {budget.as_of.isoformat()} 生效的政策规则测算（五(二)、五(四)）"])
    _sheet(wb, "社区明细", COMMUNITY_HEADERS, (
        [c.street.name, c.name, c.households, c.party_members, "是" if c.is_complex else "否", q.party_organization_label,
         q.committee_members.value, q.grid_workers.value, q.grid_covered_by_committee.value,
         q.fulltime_grid_workers.value, q.work_funds.value, q.party_building_funds.value]
        for c, q in (budget.communities if community_rows is None else community_rows)
    ))
    _sheet(wb, "特殊荣誉奖励", AWARD_HEADERS, (
        [r.person.name, r.community.street.name, r.community.name, r.person.community_service_start,
         r.award.years, r.award.anniversary, r.award.honours, r.award.amount_payable, "是" if r.award.eligible else "否",
         r.award.reason]
        for r in budget.awards
    ))
    basis = _sheet(wb, "测算依据", BASIS_HEADERS, (
        [b["rule"], b["title"], json.dumps(b["value"], ensure_ascii=False), b["effective_from"], b["clause"]]
        for b in budget.basis
    ))
    basis.append([])
    for note in NOTES:
        basis.append([note])
    out = out if out is not None else tempfile.TemporaryFile()
    wb.save(out)
    out.seek(0)
    return out

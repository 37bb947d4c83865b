"""Lists exported to Excel as the page shows them: a title row, the unit and the date, Chinese headers,
number and date formats, and a Chinese file name (RFC 5987 `filename*`). Written in openpyxl's write-only
mode to a spooled temporary file and streamed, so a long audit trail does not sit in memory."""

import datetime
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = "#,##0"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    kind: str = "text"  # text, int, money, date, datetime


def _cell(ws, value, column: Column | None = None, *, bold=False):
    cell = WriteOnlyCell(ws, value=value)
    if bold:
        cell.font = Font(bold=True)
    if column is not None:
        if column.kind == "money":
            cell.number_format = MONEY
        elif column.kind == "int":
            cell.number_format = "0"
        elif column.kind == "date":
            cell.number_format = DATE
        elif column.kind == "datetime":
            cell.number_format = DATETIME
        if column.kind == "text":
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _plain(value):
    """Excel has no time zones: a moment is written in Asia/Shanghai local time."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def xlsx_response(*, title: str, unit: str, columns: Sequence[Column], rows: Iterable[Sequence],
                  filename: str, ascii_filename: str, sheet: str | None = None) -> FileResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=(sheet or title)[:31])
    for i, column in enumerate(columns):
        ws.column_dimensions[chr(ord("A") + i) if i < 26 else "A" + chr(ord("A") + i - 26)].width = column.width
    ws.freeze_panes = "A4"
    ws.append([_cell(ws, title, bold=True)])
    ws.append([_cell(ws, f"单位：{unit}　　导出日期：{timezone.localdate().isoformat()}")])
    ws.append([_cell(ws, c.header, bold=True) for c in columns])
    for row in rows:
        ws.append([_cell(ws, _plain(value), column) for value, column in zip(row, columns, strict=True)])
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    wb.save(handle)
    handle.seek(0)
    response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE)
    # The Chinese name for every current browser (RFC 5987/6266), an ASCII one for anything older.
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_filename}\"; filename*=UTF-8''{quote(filename)}"
    return response


def export_filenames(title: str, ascii_title: str) -> dict:
    day = timezone.localdate().isoformat()
    return {"filename": f"{title}_{day}.xlsx", "ascii_filename": f"{ascii_title}-{day}.xlsx"}

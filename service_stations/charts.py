"""Chart data of the service stations' pages, passed with json_script and drawn by static/js/charts.js (ECharts),
as governance/charts.py does for the core's pages."""

from django.utils.translation import gettext as _


def overdue_chart(rows: list[dict]) -> dict:
    """Open cases by station, stacked: overdue, due today, the rest (三(二)3 限时办结); rows from
    selectors.overdue_rows: the stations of the table's page (a district of thousands of
    stations is not one chart)."""
    return {
        "categories": [row["station"].name for row in rows],
        "series": [
            {"name": _("已超期"), "stack": "open", "data": [row["overdue"] for row in rows]},
            {"name": _("今日到期"), "stack": "open", "data": [row["due_today"] for row in rows]},
            {"name": _("其余在办"), "stack": "open",
             "data": [row["open"] - row["overdue"] - row["due_today"] for row in rows]},
        ],
        "unit": _("件"),
    }

"""Chart data for the pages, passed with json_script and drawn by static/js/charts.js (ECharts)."""

from django.utils.translation import gettext as _


def staff_chart(rows: list[dict], *, cap) -> dict:
    """Street staff against the cap (二(二)1), one bar per street; rows as the district overview builds them."""
    return {
        "categories": [row["street"].name for row in rows],
        "series": [{"name": _("工作人员"), "data": [row["staffing"].staff_count for row in rows]}],
        "unit": _("人"),
        "cap": cap.value["cap"],
        "capLabel": _("上限 %(cap)s 人（%(clause)s）") % {"cap": cap.value["cap"], "clause": cap.clause},
    }


def community_gaps_chart(quota_report) -> dict:
    """Each community's "两委" and full-time grid workers: quota against actual (三(四)2)."""
    rows = list(quota_report.communities)
    return {
        "categories": [r.community.name for r in rows],
        "series": [
            {"name": _("“两委”定额"), "data": [r.quota.committee_members.value for r in rows]},
            {"name": _("“两委”实际"), "data": [r.staffing.two_committees_count for r in rows]},
            {"name": _("专职网格员须招聘"), "data": [r.quota.fulltime_grid_workers.value for r in rows]},
            {"name": _("专职网格员实际"), "data": [r.staffing.grid_worker_count for r in rows]},
        ],
        "unit": _("人"),
    }

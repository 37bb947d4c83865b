"""Pages that span the district and compose the apps: home by role, the district overview, the findings."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from communities.selectors import communities_for_user
from governance.charts import staff_chart
from governance.district.workbench import workbench_for
from governance.findings import finding_counts
from governance.roles import Role, user_role
from governance.rules import RuleBook
from governance.scope import scope_for
from governance.views import require_district_wide
from streets.selectors import street_community_sums, street_staffing, streets_for_user


@login_required
def home(request):
    role = user_role(request.user)
    scope = scope_for(request.user)
    if scope.district_wide:
        return redirect("district-overview")
    if role == Role.STREET_STAFF and len(scope.street_ids) == 1:
        return redirect("street-page", pk=next(iter(scope.street_ids)))
    if role == Role.GRID_WORKER and scope.grid_ids:
        return redirect("my-grid")
    if role == Role.COMMUNITY_STAFF and len(scope.community_ids) == 1:
        return redirect("community-page", pk=next(iter(scope.community_ids)))
    if role == Role.STATION_WORKER and len(scope.station_ids) == 1:
        return redirect("station-dashboard", pk=next(iter(scope.station_ids)))
    context = {
        "streets": streets_for_user(user=request.user),
        "communities": communities_for_user(user=request.user),
        **workbench_for(user=request.user),  # stations and grids with who is on post today
    }
    return render(request, "governance/home.html", context)


@login_required
def district_overview(request):
    require_district_wide(request)
    rules = RuleBook()
    streets = list(streets_for_user(user=request.user))
    # the streets' communities and households, summed once per change of the data (issue 14)
    sums = street_community_sums(street_ids=[s.pk for s in streets])
    for street in streets:
        street.community_count, street.households = sums.get(street.pk, (0, 0))
    staffing = street_staffing(street_ids=[s.pk for s in streets], rules=rules)
    # 待处理: an approved breach needs no action. Counted by the checks' counting forms, not built (issue 14).
    by_street: dict[int | None, int] = {}
    for (street_id, approved), n in finding_counts(user=request.user, rules=rules).items():
        if not approved:
            by_street[street_id] = by_street.get(street_id, 0) + n
    rows = [
        {"street": s, "staffing": staffing[s.pk], "findings": by_street.get(s.pk, 0)} for s in streets
    ]
    context = {
        "rows": rows,
        "cap": rules["street.staff_cap"],
        "pilot_count": sum(1 for s in streets if s.is_pilot),
        "community_total": sum(s.community_count for s in streets),
        "household_total": sum(s.households or 0 for s in streets),
        "finding_count": sum(by_street.values()),
        "rollout": rules["rollout.pilot_streets"],
        "chart_staff": staff_chart(rows, cap=rules["street.staff_cap"]),
    }
    return render(request, "governance/district_overview.html", context)

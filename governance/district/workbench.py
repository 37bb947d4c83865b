"""What a station or grid worker's home page shows: their unit, who is on post there today, and what they
can do in the system today (and what comes with the next parts: cases, ledgers, events)."""

from django.db.models import Prefetch

from governance.rules import RuleBook
from governance.selectors import active_posts
from grids.selectors import grids_for_user
from service_stations.selectors import stations_for_user


def workbench_for(*, user) -> dict:
    on_post = active_posts().select_related("person").order_by("kind", "start_date", "pk")
    stations = list(stations_for_user(user=user).prefetch_related(
        "communities", Prefetch("posts", queryset=on_post, to_attr="on_post")))
    grids = list(grids_for_user(user=user).select_related("community__street").prefetch_related(
        Prefetch("posts", queryset=on_post, to_attr="on_post")))
    try:
        station_cap = RuleBook()["service_station.staff_cap"]
    except LookupError:
        station_cap = None
    return {"stations": stations, "grids": grids, "station_cap": station_cap}

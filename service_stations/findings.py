"""Findings of the station rules (三(二)2) for the findings page, registered in ServiceStationsConfig.ready()."""


from collections import Counter, defaultdict

from django.db.models import Count
from django.urls import reverse_lazy

from governance.findings import Finding, covers_of, finding, in_chunks
from governance.models import STATION_KINDS
from governance.rules import RuleBook
from governance.selectors import active_posts
from service_stations import checks
from service_stations.models import ServiceStation
from service_stations.selectors import stations_for_user


def station_staffing(*, station_ids, rules: RuleBook) -> dict[int, tuple[set, dict]]:
    """Each station's staff (person ids) and the approval references on their posts by what each approves:
    one query, once per request."""
    cache = rules.cache.setdefault("station_staffing", {})
    missing = [sid for sid in station_ids if sid not in cache]
    if missing:
        found = {sid: (set(), defaultdict(list)) for sid in missing}
        rows = active_posts(on=rules.on).filter(station_id__in=missing, kind__in=sorted(STATION_KINDS))
        for station_id, person_id, approval, covers in rows.values_list(
                "station_id", "person_id", "approval_reference", "approval_covers"):
            found[station_id][0].add(person_id)
            for key in covers_of(covers) if approval else ():
                found[station_id][1][key].append(approval)
        cache.update(found)
    return {sid: cache[sid] for sid in station_ids}


def _stations(*, user, street_id, community_id):
    stations = stations_for_user(user=user)
    if street_id is not None:
        stations = stations.filter(street_id=street_id)
    if community_id is not None:
        stations = stations.filter(communities=community_id)
    return stations


def station_finding_stream(*, user, rules: RuleBook, street_id: int | None = None, community_id: int | None = None,
                           need: int | None = None):
    """`station_findings`, lazily: the stations read in chunks (`in_chunks`) for their own findings, then again
    for their communities served by more than one station, each chunk in a constant number of queries."""
    stations = _stations(user=user, street_id=street_id, community_id=community_id).order_by("code")
    if need is None:
        stations = list(stations)  # the whole list: read once for both passes

    def own(chunk):
        staffing = station_staffing(station_ids=[s.pk for s in chunk], rules=rules)
        found = []
        for station in chunk:
            staff, approvals = staffing[station.pk]
            communities = list(station.communities.all())
            url = reverse_lazy("community-page", args=[communities[0].pk]) if communities else ""
            for breach in checks.staff_cap(count=len(staff), rules=rules, approvals_by_cover=approvals) or []:
                found.append(finding(breach, subject=station.name, street=station.street, url=url))
            # 三(二): one community or two adjacent ones (in the station's street).
            for breach in checks.station_communities(count=len(communities), rules=rules, outside_street=sum(
                    1 for c in communities if c.street_id != station.street_id)) or []:
                found.append(finding(breach, subject=station.name, street=station.street, url=url))
        return found

    reported: set = set()  # kept across the chunks: a community is reported once, under its first station

    def shared(chunk):
        # 三(二): a community belongs to one station (one grouped query over the chunk's stations).
        through = ServiceStation.communities.through.objects
        served = through.filter(servicestation_id__in=[s.pk for s in chunk]).values("community_id")
        counts = dict(through.filter(community_id__in=served).values("community_id")
                      .annotate(n=Count("servicestation_id")).filter(n__gt=1).values_list("community_id", "n"))
        found = []
        for station in chunk:
            for community in station.communities.all():
                if community.pk in counts and community.pk not in reported:
                    reported.add(community.pk)
                    for breach in checks.community_stations(community_id=community.pk, community_name=community.name,
                                                            count=counts[community.pk], rules=rules) or []:
                        found.append(finding(breach, subject=community.name, street=station.street,
                                             url=reverse_lazy("community-page", args=[community.pk])))
        return found

    yield from in_chunks(stations, own, need=need)
    yield from in_chunks(stations, shared, need=need)


def station_findings(*, user, rules: RuleBook, street_id: int | None = None,
                     community_id: int | None = None) -> list[Finding]:
    return list(station_finding_stream(user=user, rules=rules, street_id=street_id, community_id=community_id))


def station_finding_counts(*, user, rules: RuleBook, street_id: int | None = None,
                           community_id: int | None = None) -> Counter:
    """How many findings `station_findings` lists, per (street id, approved), by the checks' counting forms:
    four grouped queries whatever the number of stations (issue 14)."""
    stations = _stations(user=user, street_id=street_id, community_id=community_id)
    return (Counter(checks.staff_cap_counts(stations=stations, rules=rules))
            + checks.station_communities_counts(stations=stations, rules=rules)
            + checks.community_stations_counts(stations=stations, rules=rules))

"""The rules of a service station (三(二)2, with 三(一)2), each decided by one function that the services
(to refuse), the findings page (to report) and the gap table (to show) call."""

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from governance.findings import Breach, breaches_by_street, cover_key, flag
from governance.models import COMMUNITY_WORKER_KINDS, PostKind
from governance.registry import rule_check
from governance.rules import RuleBook

APP = "service_stations"


@rule_check("service_station.staff_cap", app_label=APP)
def staff_cap(*, count: int, rules: RuleBook, approvals_by_cover=None) -> list[Breach]:
    """三(二)2: a station has at most 4 staff, the head included; more only with an approval (each
    approval covering one excess of this rule version: `approvals_by_cover`)."""
    cap = rules["service_station.staff_cap"]
    if count <= cap.value:
        return []
    approvals = (approvals_by_cover or {}).get(cover_key(cap, "staff"), ())
    return [Breach(cap, "staff", _("服务站工作人员 %(count)s 名，超过 %(max)s 名（含站长）") % {"count": count, "max": cap.value},
                   excess=count - cap.value, approvable=True, approvals=tuple(approvals))]


def _covering(key: str) -> Q:
    """Posts whose approval covers `key` (`Post.approval_covers`, comma-separated), as covers_of reads them."""
    return (Q(approval_covers=key) | Q(approval_covers__startswith=f"{key},") | Q(approval_covers__endswith=f",{key}")
            | Q(approval_covers__contains=f",{key},"))


@staff_cap.counter
def staff_cap_counts(*, stations, rules: RuleBook) -> dict:
    """The counting form of `staff_cap` (issue 14), per (street, approved): the stations of `stations` with
    more staff (each person once) than the cap, approved when their posts' approvals of this rule version
    cover the whole excess; one grouped query."""
    from governance.models import STATION_KINDS
    from governance.selectors import active_posts
    from service_stations.models import ServiceStation

    cap = rules["service_station.staff_cap"]
    posts = active_posts(on=rules.on).filter(station_id=OuterRef("pk"), kind__in=sorted(STATION_KINDS)).order_by()
    staff = posts.values("station_id").annotate(n=Count("person_id", distinct=True)).values("n")
    approvals = (posts.filter(_covering(cover_key(cap, "staff"))).exclude(approval_reference="")
                 .exclude(approval_reference__isnull=True).values("station_id").annotate(n=Count("pk")).values("n"))
    rows = ServiceStation.objects.filter(pk__in=stations.order_by().values("pk")).annotate(
        staff=Coalesce(Subquery(staff), 0), approvals=Coalesce(Subquery(approvals), 0))
    over = Q(staff__gt=cap.value)
    covered = Q(approvals__gte=F("staff") - cap.value)
    return breaches_by_street(rows, flag(over), approved=covered)


def _prescribed(station_kind: str, community_kind: str, *, serves: bool) -> bool:
    """三(一)2: "社区服务站站长任党委副书记": the station head as deputy secretary of a community the station
    serves is the prescribed combination, never a community worker doubling as station staff."""
    return serves and station_kind == PostKind.STATION_HEAD and community_kind == PostKind.COMMUNITY_DEPUTY_SECRETARY


@rule_check("service_station.staff_cap.community_worker", app_label=APP)
def community_worker_doubling(*, post_kind: str, other_kinds: list[tuple[str, bool]], rules: RuleBook) -> list[Breach]:
    """三(二)2: a community worker may not also be station staff unless the organisation department
    approved it (an approval reference), checked in both orders of appointment.

    `other_kinds`: the posts the person holds on the other side, each with whether the station serves
    the community of the pair."""
    cap = rules["service_station.staff_cap"]
    station_side = post_kind in (PostKind.STATION_HEAD, PostKind.STATION_STAFF)
    if not station_side and post_kind not in COMMUNITY_WORKER_KINDS:
        return []
    for other, serves in other_kinds:
        station_kind, community_kind = (post_kind, other) if station_side else (other, post_kind)
        if not _prescribed(station_kind, community_kind, serves=serves):
            return [Breach(cap, "community_worker",
                           _("社区工作者不得兼任服务站工作人员，确需兼任的须经区委组织部审批"), approvable=True)]
    return []


@rule_check("service_station.communities_per_station", app_label=APP)
def station_communities(*, count: int, outside_street: int, rules: RuleBook) -> list[Breach]:
    """三(二): a station serves one community, or two adjacent ones, never more; "adjacent" is at least
    "in the station's street" (the system cannot tell adjacency itself)."""
    rule = rules["service_station.communities_per_station"]
    found = []
    if count > rule.value["communities_max"]:
        found.append(Breach(rule, "communities", _("服务站服务 %(count)s 个社区，最多 %(max)s 个相邻社区合设一个服务站") % {
            "count": count, "max": rule.value["communities_max"]}, excess=count - rule.value["communities_max"],
            field="communities"))
    if outside_street:
        found.append(Breach(rule, "street", _("服务站服务的社区不在服务站所在街道，不能合设"), excess=outside_street,
                            field="communities"))
    return found


@station_communities.counter
def station_communities_counts(*, stations, rules: RuleBook) -> dict:
    """The counting form of `station_communities` (issue 14), per street: a station of `stations` serving
    more communities than the rule allows is one breach, one serving a community of another street another;
    one grouped query."""
    from service_stations.models import ServiceStation

    rule = rules["service_station.communities_per_station"]
    through = ServiceStation.communities.through.objects.filter(servicestation_id=OuterRef("pk")).order_by()
    served = through.values("servicestation_id").annotate(n=Count("pk")).values("n")
    outside = through.exclude(community__street_id=OuterRef("street_id"))
    rows = ServiceStation.objects.filter(pk__in=stations.order_by().values("pk")).annotate(
        served=Coalesce(Subquery(served), 0))
    return breaches_by_street(rows, flag(Q(served__gt=rule.value["communities_max"])) + flag(Q(Exists(outside))))


@rule_check("service_station.one_station_per_community", app_label=APP)
def community_stations(*, community_id: int, community_name: str, count: int, rules: RuleBook) -> list[Breach]:
    """三(二): a community belongs to one station."""
    rule = rules["service_station.communities_per_station"]
    if count <= rule.value["stations_per_community"]:
        return []
    return [Breach(rule, f"community-{community_id}", _("%(name)s由 %(count)s 个服务站服务，一个社区只能属于一个服务站") % {
        "name": community_name, "count": count}, excess=count - rule.value["stations_per_community"],
        field="communities")]


@community_stations.counter
def community_stations_counts(*, stations, rules: RuleBook) -> dict:
    """The counting form of `community_stations` (issue 14), per street: the communities served by a station
    of `stations` and by more stations (of any) than the rule allows, each under the street of the first of
    `stations` (by code) that serves it, as the findings list them; one grouped query."""
    from communities.models import Community
    from service_stations.models import ServiceStation

    rule = rules["service_station.communities_per_station"]
    through = ServiceStation.communities.through.objects
    in_scope = ServiceStation.objects.filter(pk__in=stations.order_by().values("pk"))
    count = (through.filter(community_id=OuterRef("pk")).order_by().values("community_id")
             .annotate(n=Count("servicestation_id")).values("n"))
    first_street = in_scope.filter(communities=OuterRef("pk")).order_by("code").values("street_id")[:1]
    rows = Community.objects.filter(pk__in=through.filter(servicestation__in=in_scope).values("community_id")).annotate(
        stations=Subquery(count)).filter(stations__gt=rule.value["stations_per_community"]).annotate(
        first_street=Subquery(first_street))
    return breaches_by_street(rows, flag(Q(pk__isnull=False)), street="first_street")

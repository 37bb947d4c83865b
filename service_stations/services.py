"""Rules a service-station post must satisfy (三(二)2), and the other side of the doubling rule for
community-worker posts. The station's own workflows come in a later issue."""

from django.db import transaction

from governance.findings import refuse_new_breaches
from governance.models import COMMUNITY_WORKER_KINDS, STATION_KINDS, Post
from governance.rules import RuleBook
from governance.selectors import active_posts
from governance.services import instance_save, model_update
from service_stations import checks
from service_stations.models import ServiceStation


@transaction.atomic
def station_create(*, acting_user, communities=(), **fields) -> ServiceStation:
    station = instance_save(ServiceStation(**fields), acting_user=acting_user)
    if communities:
        station.communities.add(*communities)
    return station


@transaction.atomic
def station_update(*, station: ServiceStation, acting_user, expected_version: int | None = None,
                   communities=None, **fields) -> ServiceStation:
    station = model_update(instance=station, acting_user=acting_user, data=fields, expected_version=expected_version)
    if communities is not None:
        station.communities.set(communities)
    return station


def station_post_check(post: Post, rules: RuleBook) -> None:
    """三(二)2: the staff cap, counted without the post and with it."""
    staff = set(
        active_posts(on=post.start_date).filter(station_id=post.station_id, kind__in=sorted(STATION_KINDS))
        .exclude(pk=post.pk).values_list("person_id", flat=True)
    )
    after = len(staff | {post.person_id})
    refuse_new_breaches(before=checks.staff_cap(count=len(staff), rules=rules) or [],
                        after=checks.staff_cap(count=after, rules=rules) or [],
                        approval_reference=post.approval_reference, post=post)


def doubling_check(post: Post, rules: RuleBook) -> None:
    """三(二)2 in both orders: a station post for a community worker, a community-worker post for station
    staff; the station head as 党委副书记 of a community the station serves is prescribed (三(一)2)."""
    held = active_posts(on=post.start_date).filter(person_id=post.person_id).exclude(pk=post.pk)
    if post.kind in STATION_KINDS:
        others = held.filter(kind__in=sorted(COMMUNITY_WORKER_KINDS)).values_list("kind", "community_id")
        served = set(post.station.communities.values_list("pk", flat=True))
        pairs = [(kind, community_id in served) for kind, community_id in others]
    else:
        others = held.filter(kind__in=sorted(STATION_KINDS)).values_list("kind", "station_id")
        serving = set(ServiceStation.objects.filter(communities=post.community_id).values_list("pk", flat=True))
        pairs = [(kind, station_id in serving) for kind, station_id in others]
    if not pairs:
        return
    refuse_new_breaches(before=[], after=checks.community_worker_doubling(post_kind=post.kind, other_kinds=pairs,
                                                                            rules=rules) or [],
                        approval_reference=post.approval_reference, post=post)

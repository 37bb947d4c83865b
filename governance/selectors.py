"""Reads for the district-wide domain, scoped to the user (STYLE.md 2)."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from governance.models import Department, Person, PolicyRule, Post, StationedUnit
from governance.scope import scope_for


def departments_for_user(*, user) -> QuerySet[Department]:
    # Departments sit above the streets: every signed-in role may read them; only the district
    # administrator's role holds the permission to change them.
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.select_related("district")


def stationed_units_for_user(*, user) -> QuerySet[StationedUnit]:
    scope = scope_for(user)
    qs = StationedUnit.objects.select_related("street")
    if scope.district_wide:
        return qs
    return qs.filter(street_id__in=scope.street_ids)


def people_for_user(*, user) -> QuerySet[Person]:
    scope = scope_for(user)
    qs = Person.objects.select_related("street", "community")
    if scope.district_wide:
        return qs
    return qs.filter(
        Q(street_id__in=scope.street_ids)
        | Q(community__street_id__in=scope.street_ids)
        | Q(community_id__in=scope.community_ids)
    )


def posts_for_user(*, user) -> QuerySet[Post]:
    scope = scope_for(user)
    qs = Post.objects.select_related("person", "street", "community", "station", "grid")
    if scope.district_wide:
        return qs
    return qs.filter(
        Q(street_id__in=scope.street_ids)
        | Q(community__street_id__in=scope.street_ids)
        | Q(station__street_id__in=scope.street_ids)
        | Q(community_id__in=scope.community_ids)
        | Q(station_id__in=scope.station_ids)
    )


def active_posts(*, on: datetime.date | None = None) -> QuerySet[Post]:
    """Posts held on a date (started on or before it, not ended before it)."""
    on = on or timezone.localdate()
    return Post.objects.filter(Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on)))


def policy_rules_list() -> QuerySet[PolicyRule]:
    return PolicyRule.objects.all()

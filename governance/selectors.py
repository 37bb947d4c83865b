"""Reads for the district-wide domain, scoped to the user (STYLE.md 2) through governance.scope.scoped."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from governance.models import Department, Person, PolicyRule, Post, StationedUnit
from governance.scope import scoped


def departments_for_user(*, user) -> QuerySet[Department]:
    # Departments sit above the streets: every signed-in role may read them; only the district
    # administrator's role holds the permission to change them.
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.select_related("district")


def stationed_units_for_user(*, user) -> QuerySet[StationedUnit]:
    return scoped(StationedUnit.objects.select_related("street"), user, street="street_id")


def people_for_user(*, user) -> QuerySet[Person]:
    # A person of a community also carries the community's street (governance.services._person_check).
    return scoped(Person.objects.select_related("street", "community"), user,
                  street="street_id", community="community_id")


def can_see_person_identity(*, user) -> bool:
    """A person's ID number in clear: those who keep the records of the people they see (the unit's own
    clerks, through people_for_user's scope, and the district administrator); read-only roles (reviewers,
    departments) see it masked, as a case applicant's is (service_stations.selectors.can_see_identity)."""
    return bool(user and user.is_authenticated and user.has_perm("governance.change_person"))


def posts_for_user(*, user) -> QuerySet[Post]:
    return scoped(
        # The person's name is all a list shows of the related rows (the units are ids): one join, not five.
        Post.objects.select_related("person"), user,
        # A post carries the street of its community or station (governance.services._post_units_check).
        street="street_id", community="community_id", station="station_id",
    )


def active_posts(*, on: datetime.date | None = None) -> QuerySet[Post]:
    """Posts held on a date (started on or before it, not ended before it)."""
    on = on or timezone.localdate()
    return Post.objects.filter(Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on)))


def policy_rules_list(*, user=None) -> QuerySet[PolicyRule]:
    return PolicyRule.objects.all()

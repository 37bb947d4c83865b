"""Writes for streets, and the rules a street post must satisfy (二(二)1, 二(二)2, 二(三))."""

import copy

from django.db import transaction
from django.utils.translation import gettext as _

from governance.exceptions import RuleViolation
from governance.findings import refuse_new_breaches
from governance.models import STREET_DEPUTY_KINDS, Post, PostKind
from governance.rules import RuleBook
from governance.selectors import active_posts
from governance.services import instance_save, lock_current, model_update
from streets import checks
from streets.models import DEFAULT_OFFICE_DUTIES, Street, StreetOffice
from streets.selectors import staffing_add, street_staffing


@transaction.atomic
def street_create(*, acting_user, **fields) -> Street:
    street = instance_save(Street(**fields), acting_user=acting_user)
    for kind, duties in DEFAULT_OFFICE_DUTIES.items():
        office = StreetOffice(street=street, kind=kind, duties=duties)
        instance_save(office, acting_user=acting_user)
    return street


@transaction.atomic
def street_update(*, street: Street, acting_user, expected_version: int | None = None,
                  **fields) -> Street:
    return model_update(instance=street, acting_user=acting_user, data=fields, expected_version=expected_version)


@transaction.atomic
def street_office_update(*, office: StreetOffice, acting_user, expected_version: int | None = None,
                         **fields) -> StreetOffice:
    lock_current(office, expected_version=expected_version)
    street_office_head_check(office=office, head=fields.get("head"))
    return model_update(instance=office, acting_user=acting_user, data=fields)


def street_office_head_check(*, office: StreetOffice, head) -> None:
    """二(三): "四办一中心"主管人员由班子成员副职兼任 (forms call this in clean())."""
    if head is None or head == office.head:
        return
    deputy_ids = set(active_posts().filter(
        person=head, street_id=office.street_id, kind__in=sorted(STREET_DEPUTY_KINDS)
    ).values_list("person_id", flat=True))
    for breach in checks.office_head(head=head, deputy_ids=deputy_ids, rules=RuleBook()) or []:
        raise breach.violation()


def street_post_check(post: Post, rules: RuleBook) -> None:
    """Refuse a street post that breaks a rule of 二(二); a cap may be exceeded with an approval reference.

    The street's staffing is counted without the post and with it, and every rule check of 二(二) runs on
    both: the post is refused for a breach it introduces or worsens (governance.findings)."""
    cap = rules["street.staff_cap"]
    if post.kind == PostKind.STREET_STAFF and not post.staff_category:
        raise RuleViolation(_("街道工作人员须填写人员类别：是否计入上限取决于类别"), rule=cap, field="staff_category")
    if post.is_secondment:
        refuse_new_breaches(before=[], after=checks.secondment(kind=post.kind, secondment_role=post.secondment_role,
                                                                rules=rules) or [],
                            approval_reference=post.approval_reference, post=post)
    before = street_staffing(street_ids=[post.street_id], rules=rules, exclude_post_id=post.pk or -1)[post.street_id]
    after = copy.deepcopy(before)
    staffing_add(after, person_id=post.person_id, kind=post.kind, is_secondment=post.is_secondment,
                 staff_category=post.staff_category, is_npc_deputy=post.person.is_npc_deputy,
                 approval_reference=post.approval_reference,
                 excluded_categories=set(cap.value["excluded_categories"]))
    refuse_new_breaches(before=checks.staffing_breaches(before, rules), after=checks.staffing_breaches(after, rules),
                        approval_reference=post.approval_reference, post=post)

"""Writes for streets, and the rules a street post must satisfy (二(二)1, 二(二)2, 二(三))."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from governance.exceptions import RuleViolation
from governance.models import STREET_DEPUTY_KINDS, STREET_LEADERSHIP_KINDS, Post, PostKind
from governance.rules import RuleBook
from governance.selectors import active_posts
from governance.services import instance_save, model_update
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
def street_update(*, street: Street, acting_user, **fields) -> Street:
    return model_update(instance=street, acting_user=acting_user, data=fields)


@transaction.atomic
def street_office_update(*, office: StreetOffice, acting_user, **fields) -> StreetOffice:
    street_office_head_check(office=office, head=fields.get("head"))
    return model_update(instance=office, acting_user=acting_user, data=fields)


def street_office_head_check(*, office: StreetOffice, head) -> None:
    """二(三): "四办一中心"主管人员由班子成员副职兼任 (forms call this in clean())."""
    if head is None or head == office.head:
        return
    is_deputy = active_posts().filter(
        person=head, street_id=office.street_id, kind__in=sorted(STREET_DEPUTY_KINDS)
    ).exists()
    if not is_deputy:
        raise RuleViolation(_("主管领导须由街道班子成员副职兼任"), rule="street.offices", clause="二(三)", field="head")


def street_post_check(post: Post) -> None:
    """Refuse a street post that breaks a rule of 二(二); a cap may be exceeded with an approval reference."""
    on = post.start_date
    rules = RuleBook(on=on)
    if post.kind == PostKind.STREET_STAFF and not post.staff_category:
        raise ValidationError({"staff_category": [_("街道工作人员须填写人员类别（是否计入30人上限取决于类别，二(二)1）。")]})

    # The street's staffing as it would be with this post (replacing the post's saved version, if any).
    staffing = street_staffing(street_ids=[post.street_id], on=on, rules=rules, exclude_post_id=post.pk)[post.street_id]
    before = (staffing.staff_count, staffing.principal_count, staffing.deputy_count)
    staffing_add(staffing, person_id=post.person_id, kind=post.kind, is_secondment=post.is_secondment,
                 staff_category=post.staff_category, is_npc_deputy=post.person.is_npc_deputy,
                 approval_reference=post.approval_reference,
                 excluded_categories=set(rules["street.staff_cap"].value["excluded_categories"]))
    others = active_posts(on=on).filter(street_id=post.street_id).exclude(pk=post.pk)

    npc = rules["street.npc_committee"]
    if post.kind == PostKind.NPC_MEMBER:
        if not post.person.is_npc_deputy:
            raise RuleViolation(_("%(name)s不是现任兴庆区人大代表，不能任人大街道工委委员") % {"name": post.person.name},
                                rule=npc.key, clause=npc.clause, field="person")
        if len(staffing.npc_members) > npc.value["members_max"]:
            raise RuleViolation(_("人大街道工委委员为 %(min)s-%(max)s 名，已满")
                                % {"min": npc.value["members_min"], "max": npc.value["members_max"]},
                                rule=npc.key, clause=npc.clause, field="kind")
    if post.kind == PostKind.NPC_DIRECTOR and post.person_id not in staffing.party_secretaries:
        raise RuleViolation(_("人大街道工委主任由街道党工委书记兼任"), rule=npc.key, clause=npc.clause, field="person")
    if post.kind == PostKind.NPC_DEPUTY_DIRECTOR:
        holds_deputy = others.filter(person_id=post.person_id, kind__in=sorted(STREET_DEPUTY_KINDS)).exists()
        if not holds_deputy:
            raise RuleViolation(_("人大街道工委副主任由街道副书记或副主任兼任"), rule=npc.key, clause=npc.clause, field="person")

    org = rules["street.organisation_members"]
    if post.kind == PostKind.ORGANISATION_MEMBER and len(staffing.organisation_members) > org.value:
        raise RuleViolation(_("每个街道设专职组织委员 %(n)s 名，已有在任人员") % {"n": org.value}, rule=org.key, clause=org.clause, field="kind")

    if post.approval_reference:
        return  # an approved excess: recorded on the post and in its history
    lead = rules["street.leadership_posts"]
    if post.kind in STREET_LEADERSHIP_KINDS and not post.is_secondment:
        over = (staffing.principal_count > lead.value["principal"] and staffing.principal_count > before[1]) or (
            staffing.deputy_count > lead.value["deputy"] and staffing.deputy_count > before[2])
        if over:
            raise RuleViolation(
                _("街道党政领导职数为 %(principal)s 正 %(deputy)s 副（挂职领导不计），"
                  "增加后为 %(principal_after)s 正 %(deputy_after)s 副；如经批准，请填写批准文号")
                % {"principal": lead.value["principal"], "deputy": lead.value["deputy"],
                   "principal_after": staffing.principal_count, "deputy_after": staffing.deputy_count},
                rule=lead.key, clause=lead.clause, field="approval_reference")
    cap = rules["street.staff_cap"]
    if staffing.staff_count > cap.value["cap"] and staffing.staff_count > before[0]:
        raise RuleViolation(
            _("街道工作人员一般不超过 %(cap)s 人（含公岗、三支一扶及政策性安置人员），"
              "增加后为 %(count)s 人；如经批准，请填写批准文号") % {"cap": cap.value["cap"], "count": staffing.staff_count},
            rule=cap.key, clause=cap.clause, field="approval_reference")


"""Writes for meetings, their decisions, the four lists and co-building agreements, and the reminders
before a period ends (二(四)1, 三(一)3, 三(三)1, 三(三)2)."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import get_users_with_perms

from communities.models import Community
from governance.findings import refuse_new_breaches
from governance.rules import RuleBook
from governance.services import instance_save, lock_current, model_update
from meetings import checks
from meetings.models import (
    STREET_MEETINGS,
    CoBuildingAgreement,
    JointCommitteeList,
    Meeting,
    MeetingDecision,
    MeetingReminder,
)
from meetings.selectors import meeting_compliance
from streets.models import Street

logger = logging.getLogger(__name__)


def _meeting_check(meeting: Meeting, rules: RuleBook | None = None) -> None:
    """The units nest, a street meeting names no community, and a representatives' meeting heard its three
    reports and assessed them (三(三)2). `rules`: the rules in force on `held_on` (read here if not given)."""
    if meeting.community_id:
        if meeting.street_id and meeting.street_id != meeting.community.street_id:
            raise ValidationError({"community": [_("社区不属于所选街道。")]})
        meeting.street_id = meeting.community.street_id
    if not meeting.street_id:
        raise ValidationError({"street": [_("请选择街道或社区。")]})
    if meeting.kind in STREET_MEETINGS and meeting.community_id:
        raise ValidationError({"community": [_("大工委联席会议属于街道，不填写社区。")]})
    if meeting.kind not in STREET_MEETINGS and not meeting.community_id:
        raise ValidationError({"community": [_("该会议属于社区，请选择社区。")]})
    refuse_new_breaches(before=[], after=checks.representatives_reports(
        meeting=meeting, rules=rules or RuleBook(on=meeting.held_on)) or [])


@transaction.atomic
def meeting_record(*, acting_user, decisions: list[dict] = (), **fields) -> Meeting:
    """Record a meeting held, with its decisions (each followed until done)."""
    meeting = Meeting(**fields)
    _meeting_check(meeting)
    meeting.recorded_by = acting_user if acting_user and acting_user.is_authenticated else None
    instance_save(meeting, acting_user=acting_user)
    for decision in decisions:
        meeting_decision_add(acting_user=acting_user, meeting=meeting, **decision)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, acting_user, expected_version: int | None = None, **fields) -> Meeting:
    lock_current(meeting, expected_version=expected_version)
    candidate = Meeting(**{f.attname: getattr(meeting, f.attname) for f in Meeting._meta.concrete_fields})
    for name, value in fields.items():
        setattr(candidate, name, value)
    _meeting_check(candidate)
    if candidate.street_id != meeting.street_id:
        fields["street"] = candidate.street
    return model_update(instance=meeting, acting_user=acting_user, data=fields)


@transaction.atomic
def meeting_decision_add(*, acting_user, meeting: Meeting, **fields) -> MeetingDecision:
    return instance_save(MeetingDecision(meeting=meeting, **fields), acting_user=acting_user)


@transaction.atomic
def meeting_decision_update(*, decision: MeetingDecision, acting_user, expected_version: int | None = None,
                            **fields) -> MeetingDecision:
    """Follow a decision: mark it done (with the date, today by default) or reopen it."""
    fields.pop("meeting", None)  # a decision stays with its meeting
    status = fields.get("status")
    if status == MeetingDecision.Status.DONE and not fields.get("completed_on"):
        fields["completed_on"] = decision.completed_on or timezone.localdate()
    if status == MeetingDecision.Status.OPEN:
        fields["completed_on"] = None
    return model_update(instance=decision, acting_user=acting_user, data=fields, expected_version=expected_version)


@transaction.atomic
def four_list_create(*, acting_user, **fields) -> JointCommitteeList:
    return instance_save(JointCommitteeList(**fields), acting_user=acting_user)


@transaction.atomic
def four_list_update(*, four_list: JointCommitteeList, acting_user, expected_version: int | None = None,
                     **fields) -> JointCommitteeList:
    return model_update(instance=four_list, acting_user=acting_user, data=fields, expected_version=expected_version)


def _agreement_check(agreement: CoBuildingAgreement) -> None:
    errors = {}
    if agreement.stationed_unit_id and agreement.stationed_unit.street_id != agreement.street_id:
        errors["stationed_unit"] = [_("驻区单位不在所选街道。")]
    if agreement.community_id and agreement.community.street_id != agreement.street_id:
        errors["community"] = [_("社区不属于所选街道。")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agreement_create(*, acting_user, **fields) -> CoBuildingAgreement:
    agreement = CoBuildingAgreement(**fields)
    _agreement_check(agreement)
    return instance_save(agreement, acting_user=acting_user)


@transaction.atomic
def agreement_update(*, agreement: CoBuildingAgreement, acting_user, expected_version: int | None = None,
                     **fields) -> CoBuildingAgreement:
    lock_current(agreement, expected_version=expected_version)
    candidate = CoBuildingAgreement(**{f.attname: getattr(agreement, f.attname)
                                       for f in CoBuildingAgreement._meta.concrete_fields})
    for name, value in fields.items():
        setattr(candidate, name, value)
    _agreement_check(candidate)
    return model_update(instance=agreement, acting_user=acting_user, data=fields)


# --- reminders ---


@transaction.atomic
def meeting_reminders_create(*, on: datetime.date | None = None) -> list[int]:
    """Remind the responsible people of every unit whose required meeting is still missing when its period
    ends within the lead time (rule `meetings.reminder_days_before_period_end`). One reminder per unit,
    kind and period: a second run the same period creates none. Each new reminder is sent by a task queued
    on commit, so the task never runs before the reminder row exists."""
    from meetings.tasks import meeting_reminder_send_task

    on = on or timezone.localdate()
    rules = RuleBook(on=on)
    lead = rules["meetings.reminder_days_before_period_end"].value
    created = []
    for row in meeting_compliance(streets=Street.objects.all(), communities=Community.objects.all(), rules=rules, on=on):
        for requirement in row.requirements:
            if not requirement.missing or (requirement.end - on).days > lead[requirement.period]:
                continue
            try:
                with transaction.atomic():
                    reminder, was_created = MeetingReminder.objects.get_or_create(
                        kind=requirement.kind, street=row.street, community=row.community,
                        period_start=requirement.start,
                        defaults={"period_end": requirement.end, "held": requirement.held,
                                  "required": requirement.required},
                    )
            except IntegrityError:  # a concurrent run created it first
                continue
            if was_created:
                created.append(reminder.pk)
                transaction.on_commit(lambda pk=reminder.pk: meeting_reminder_send_task.delay(pk))
    return created


def _responsible_users(reminder: MeetingReminder) -> list:
    """The staff holding the unit's scope grant: the street's for a street meeting, the community's else."""
    unit = reminder.community or reminder.street
    codename = "access_community" if reminder.community_id else "access_street"
    return sorted(get_users_with_perms(unit, only_with_perms_in=[codename], with_group_users=True),
                  key=lambda u: u.pk)


@transaction.atomic
def meeting_reminder_send(*, reminder_id: int) -> bool:
    """Send one reminder to the responsible people (email where they have one; the reminder also shows on
    the compliance report). A reminder already sent is left as it is: safe to run twice."""
    reminder = MeetingReminder.objects.select_for_update(of=("self",)).select_related("street", "community").filter(
        pk=reminder_id, sent_at__isnull=True).first()
    if reminder is None:
        return False
    users = _responsible_users(reminder)
    unit = reminder.community.name if reminder.community_id else reminder.street.name
    subject = _("会议提醒：%(unit)s%(kind)s") % {"unit": unit, "kind": reminder.get_kind_display()}
    body = _("%(unit)s在 %(start)s 至 %(end)s 期间已召开%(kind)s %(held)s 次，应不少于 %(required)s 次，请于 %(end)s 前召开。") % {
        "unit": unit, "start": reminder.period_start, "end": reminder.period_end, "kind": reminder.get_kind_display(),
        "held": reminder.held, "required": reminder.required}
    emails = [u.email for u in users if u.email]
    if emails:
        send_mail(subject, body, None, emails, fail_silently=True)
    logger.info("meeting reminder %s sent to %s", reminder.pk, [u.username for u in users])
    reminder.recipients = "、".join(u.first_name or u.username for u in users)
    reminder.sent_at = timezone.now()
    reminder.save(update_fields=["recipients", "sent_at"])
    return True

"""Writes of the service stations (STYLE.md 1): the station post rules (三(二)2) and the other side of the
doubling rule for community-worker posts; the catalogue (附件2, versioned); cases taken in at the counter
and their transitions (三(二)3); appointments, shifts, the standardisation checklist; and the reminders of
cases due tomorrow and overdue."""

import datetime
import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.findings import refuse_new_breaches
from governance.models import COMMUNITY_WORKER_KINDS, STATION_KINDS, Post
from governance.rules import RuleBook
from governance.selectors import active_posts
from governance.services import instance_save, lock_current, model_update
from service_stations import checks
from service_stations.calendar import due_date
from service_stations.catalogue import pinyin_initials
from service_stations.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    Appointment,
    CaseReminder,
    CaseStatus,
    Channel,
    ChecklistTally,
    Notification,
    ServiceCase,
    ServiceItem,
    ServiceItemRevision,
    ServiceStation,
    Shift,
    StationChecklistEntry,
)


def _station_setting_breaches(*, station_id, street_id, communities, rules: RuleBook) -> list:
    """三(二) for a station serving `communities`: how many, in its street, and each one's other stations."""
    breaches = checks.station_communities(
        count=len(communities), outside_street=sum(1 for c in communities if c.street_id != street_id),
        rules=rules) or []
    others = dict(
        ServiceStation.communities.through.objects.filter(community_id__in=[c.pk for c in communities])
        .exclude(servicestation_id=station_id).values("community_id").annotate(n=Count("servicestation_id"))
        .values_list("community_id", "n"))
    for community in communities:
        breaches += checks.community_stations(community_id=community.pk, community_name=community.name,
                                              count=others.get(community.pk, 0) + 1, rules=rules) or []
    return breaches


def station_setting_check(*, station_id, street_id, before, after) -> None:
    """Refuse a change of the communities a station serves that breaks 三(二) or breaks it further."""
    rules = RuleBook()
    refuse_new_breaches(
        before=_station_setting_breaches(station_id=station_id, street_id=street_id, communities=list(before),
                                         rules=rules) if before else [],
        after=_station_setting_breaches(station_id=station_id, street_id=street_id, communities=list(after),
                                        rules=rules))


@transaction.atomic
def station_create(*, acting_user, communities=(), **fields) -> ServiceStation:
    station = instance_save(ServiceStation(**fields), acting_user=acting_user)
    if communities:
        station_setting_check(station_id=station.pk, street_id=station.street_id, before=(), after=communities)
        station.communities.add(*communities)
    return station


@transaction.atomic
def station_update(*, station: ServiceStation, acting_user, expected_version: int | None = None,
                   communities=None, **fields) -> ServiceStation:
    street_before = ServiceStation.objects.select_for_update().values_list("street_id", flat=True).get(pk=station.pk)
    station = model_update(instance=station, acting_user=acting_user, data=fields, expected_version=expected_version)
    if station.street_id != street_before:  # its standards met now count in the other street
        met = list(station.checklist.filter(met=True).values_list("item", flat=True))
        _checklist_tally_add({(street_before, item): -1 for item in met})
        _checklist_tally_add({(station.street_id, item): 1 for item in met})
        _station_rows_follow(station, street_before)
    if communities is not None:
        station_setting_check(station_id=station.pk, street_id=station.street_id,
                              before=station.communities.all(), after=communities)
        station.communities.set(communities)
    return station


def _station_rows_follow(station: ServiceStation, street_before: int) -> None:
    """A station moved to another street takes its posts and its cases with it: each carries the station's street
    (its scope, one indexed column), so the new street's staff see them and the old street's no longer do; each
    change with its history row (the audit trail shows what the move changed)."""
    from simple_history.utils import bulk_update_with_history

    for model, rows in ((Post, Post.objects.filter(station=station, street_id=street_before)),
                        (ServiceCase, ServiceCase.objects.filter(station=station, street_id=street_before))):
        moved = list(rows.select_for_update())
        for row in moved:
            row.street_id = station.street_id
        if moved:
            bulk_update_with_history(moved, model, fields=["street"], batch_size=500)


@transaction.atomic
def station_delete(*, station: ServiceStation) -> None:
    """Delete a station (its checklist goes with it, and so its standards met leave the street's tally)."""
    station = ServiceStation.objects.select_for_update().get(pk=station.pk)
    met = station.checklist.filter(met=True).values_list("item", flat=True)
    _checklist_tally_add({(station.street_id, item): -1 for item in met})
    station.delete()


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


# ---------------------------------------------------------------------------------------------------
# The catalogue (附件2): a change to an item is a new version; the revision keeps what it said.

_ITEM_REVISION_FIELDS = ("name", "department", "required_materials", "time_limit_days", "appointment_possible",
                         "door_to_door_possible", "online_possible", "how_to_ask")


def _materials_clean(materials) -> list[str]:
    if not isinstance(materials, list) or not all(isinstance(m, str) for m in materials):
        raise ValidationError({"required_materials": [_("所需材料须为材料名称的列表。")]})
    cleaned = [m.strip() for m in materials if m.strip()]
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError({"required_materials": [_("所需材料不能重复。")]})
    return cleaned


def _revision_save(item: ServiceItem) -> ServiceItemRevision:
    return ServiceItemRevision.objects.create(item=item, version=item.version,
                                              **{name: getattr(item, name) for name in _ITEM_REVISION_FIELDS})


@transaction.atomic
def service_item_create(*, acting_user, **fields) -> ServiceItem:
    if "required_materials" in fields:
        fields["required_materials"] = _materials_clean(fields["required_materials"])
    if not fields.get("code"):
        fields["code"] = f"item-{ServiceItem.objects.count() + 1:02d}-{timezone.now():%y%m%d%H%M%S}"
    item = ServiceItem(**fields)
    item.pinyin_initials = pinyin_initials(item.name)
    instance_save(item, acting_user=acting_user)
    _revision_save(item)
    return item


@transaction.atomic
def service_item_update(*, item: ServiceItem, acting_user, expected_version: int | None = None,
                        **fields) -> ServiceItem:
    """Edit an item: a new version (its revision is kept; cases taken in earlier keep theirs)."""
    if "required_materials" in fields:
        fields["required_materials"] = _materials_clean(fields["required_materials"])
    if "name" in fields:
        fields["pinyin_initials"] = pinyin_initials(fields["name"])
    before = item.version
    item = model_update(instance=item, acting_user=acting_user, data=fields, expected_version=expected_version)
    if item.version != before and any(name in fields for name in _ITEM_REVISION_FIELDS):
        _revision_save(item)
    return item


@transaction.atomic
def service_item_confirm(*, item: ServiceItem, acting_user, expected_version: int | None = None) -> ServiceItem:
    """A district administrator confirms a default item (附件2 is not published with the document)."""
    return model_update(instance=item, acting_user=acting_user, expected_version=expected_version,
                        data={"confirmed_at": timezone.now(), "confirmed_by": acting_user})


# ---------------------------------------------------------------------------------------------------
# Cases (三(二)3: 全职代办、综合受理、首问负责、一次性告知、限时办结)


def _case_number(station: ServiceStation, received_on: datetime.date) -> str:
    """<station id, 4 digits><yyyymmdd><sequence of the day, 4 digits>; the station row is locked."""
    prefix = f"{station.pk:04d}{received_on:%Y%m%d}"
    return f"{prefix}{ServiceCase.objects.filter(number__startswith=prefix).count() + 1:04d}"


def case_build(*, acting_user, station: ServiceStation, service_item: ServiceItem, revision: ServiceItemRevision,
               number: str, applicant_name: str, applicant_phone: str, applicant_id_number: str = "",
               channel: str = Channel.COUNTER, materials_received=(), received_at: datetime.datetime,
               external_id: str = "", calendar=None) -> ServiceCase:
    """The case `case_receive` takes in, unsaved and without a query: the materials checked against the item's
    revision, the one-time notice (一次性告知) for what is missing, the due date in working days. Also used by
    the bulk demo data (service_stations/demo.py), so that both build cases the same way."""
    if not service_item.is_active:
        raise ValidationError({"service_item": [_("该服务事项已停用，不能受理。")]})
    received = [m for m in materials_received or []]
    unknown = [m for m in received if m not in revision.required_materials]
    if unknown:
        raise ValidationError({"materials_received": [
            _("不是该事项所需的材料：%(names)s") % {"names": "、".join(unknown)}]})
    received_on = timezone.localdate(received_at)
    due, provisional = due_date(received_on, revision.time_limit_days, calendar=calendar)
    missing = [m for m in revision.required_materials if m not in received]
    return ServiceCase(
        number=number, external_id=external_id, station=station,
        street_id=station.street_id, service_item=service_item, item_revision=revision,
        applicant_name=applicant_name.strip(), applicant_phone=applicant_phone.strip(),
        applicant_id_number=(applicant_id_number or "").strip().upper(), channel=channel,
        materials_received=received, materials_missing=missing,
        notice_given_at=timezone.now() if missing else None, received_at=received_at, due_date=due,
        calendar_provisional=provisional, first_owner=acting_user if getattr(acting_user, "pk", None) else None,
        handler=acting_user if getattr(acting_user, "pk", None) else None,
    )


@transaction.atomic
def case_receive(*, acting_user, station: ServiceStation, service_item: ServiceItem, applicant_name: str,
                 applicant_phone: str, applicant_id_number: str = "", channel: str = Channel.COUNTER,
                 materials_received=(), received_at: datetime.datetime | None = None,
                 external_id: str | None = None, calendar=None) -> ServiceCase:
    """Take in a case: any worker, any item. The acting user is the first-inquiry owner (首问负责人). A case
    without all the item's materials gets the one-time notice (一次性告知), recorded on the case. The due
    date counts the item's time limit in working days from the day after receipt (DESIGN.md section 6).

    With an `external_id` already taken in, the case taken in then is returned, never a duplicate;
    `case.created_now` says which."""
    external_id = (external_id or "").strip()
    if external_id:
        existing = ServiceCase.objects.filter(external_id=external_id).first()
        if existing is not None:
            existing.created_now = False
            return existing
    if not service_item.is_active:
        raise ValidationError({"service_item": [_("该服务事项已停用，不能受理。")]})
    revision = service_item.revisions.order_by("-version").first()
    if revision is None:
        revision = _revision_save(service_item)
    received_at = received_at or timezone.now()
    list(ServiceStation.objects.select_for_update().filter(pk=station.pk))  # serialises the day's numbers
    case = case_build(acting_user=acting_user, station=station, service_item=service_item, revision=revision,
                      number=_case_number(station, timezone.localdate(received_at)), applicant_name=applicant_name,
                      applicant_phone=applicant_phone, applicant_id_number=applicant_id_number, channel=channel,
                      materials_received=materials_received, received_at=received_at, external_id=external_id,
                      calendar=calendar)
    if external_id:
        case.full_clean(exclude=["external_id"])
        try:
            with transaction.atomic():
                instance_save(case, acting_user=acting_user, validate=False)
        except ValidationError:
            # Two systems sent the same external_id at once: the other one won; give back its case.
            existing = ServiceCase.objects.filter(external_id=external_id).first()
            if existing is None:
                raise
            existing.created_now = False
            return existing
    else:
        instance_save(case, acting_user=acting_user)
    case.created_now = True
    return case


def case_transition_data(*, case: ServiceCase, status: str, note: str = "", forwarded_to=None) -> dict:
    """The fields a transition of `case` (as it is) to `status` changes; refuses a move TRANSITIONS does not
    allow. No query: `case_transition` calls it on the locked row, the bulk demo data on the rows it builds."""
    allowed = TRANSITIONS.get(case.status, ())
    if status not in allowed:
        raise ValidationError({"status": [_("办件当前为“%(current)s”，不能改为“%(target)s”。") % {
            "current": CaseStatus(case.status).label,
            "target": CaseStatus(status).label if status in CaseStatus.values else status}]})
    data = {"status": status, "status_note": note or ""}
    if status == CaseStatus.FORWARDED:
        if forwarded_to is None:
            raise ValidationError({"forwarded_to": [_("转办须指定部门。")]})
        data["forwarded_to"] = forwarded_to
    if status not in OPEN_STATUSES:
        data["closed_at"] = timezone.now()
    return data


@transaction.atomic
def case_transition(*, case: ServiceCase, acting_user, status: str, expected_version: int | None = None,
                    note: str = "", forwarded_to=None) -> ServiceCase:
    """Move a case on: received → handling → completed / returned / forwarded to a department. Audited
    (history); a transition from a version someone else changed since is refused (Conflict)."""
    lock_current(case, expected_version=expected_version)
    data = case_transition_data(case=case, status=status, note=note, forwarded_to=forwarded_to)
    return model_update(instance=case, acting_user=acting_user, data=data)


@transaction.atomic
def case_hand_on(*, case: ServiceCase, acting_user, handler, expected_version: int | None = None) -> ServiceCase:
    """Hand a case to another worker; the first-inquiry owner (首问负责人) stays who took it in."""
    if not case.is_open:
        raise ValidationError({"handler": [_("已结束的办件不能移交。")]})
    return model_update(instance=case, acting_user=acting_user, data={"handler": handler},
                        expected_version=expected_version)


def _station_worker_check(*, station: ServiceStation, worker, field: str = "worker") -> None:
    """The worker of an appointment or a shift is one of the station's own workers (its logins)."""
    from service_stations.selectors import station_workers

    if worker is None or not station_workers(station=station).filter(pk=worker.pk).exists():
        raise ValidationError({field: [_("只能安排本服务站的工作人员。")]})


def _unit_station_kept(instance, fields: dict) -> None:
    """An appointment or a shift stays at the station it was made for: another station's is a new record."""
    station = fields.pop("station", None)
    if station is not None and station.pk != instance.station_id:
        raise ValidationError({"station": [_("不能改到其他服务站，请在该服务站另行登记。")]})


def _appointment_check(appointment: Appointment) -> None:
    """预约服务、上门办理 (三(二)3): the station's own worker; the case, when named, is the station's."""
    _station_worker_check(station=appointment.station, worker=appointment.worker)
    if appointment.case_id is not None and appointment.case.station_id != appointment.station_id:
        raise ValidationError({"case": [_("该办件不是本服务站受理的。")]})


@transaction.atomic
def appointment_create(*, acting_user, **fields) -> Appointment:
    appointment = Appointment(**fields)
    _appointment_check(appointment)
    return instance_save(appointment, acting_user=acting_user)


@transaction.atomic
def appointment_update(*, appointment: Appointment, acting_user, expected_version: int | None = None,
                       **fields) -> Appointment:
    """Move an appointment (date, slot, worker...): a stale version is refused (Conflict)."""
    _unit_station_kept(appointment, fields)
    lock_current(appointment, expected_version=expected_version)
    candidate = Appointment(**{f.attname: getattr(appointment, f.attname) for f in Appointment._meta.concrete_fields})
    for name, value in fields.items():
        setattr(candidate, name, value)
    _appointment_check(candidate)
    return model_update(instance=appointment, acting_user=acting_user, data=fields, expected_version=expected_version)


def _shift_check(shift: Shift) -> None:
    """错时工作、周末倒班 (三(二)3): the station's own worker, whose shifts on one day do not overlap."""
    _station_worker_check(station=shift.station, worker=shift.worker)
    if shift.start is None or shift.end is None or shift.end <= shift.start:
        return  # the model's constraint answers (shift_end_after_start)
    overlapping = Shift.objects.filter(worker_id=shift.worker_id, date=shift.date, start__lt=shift.end,
                                       end__gt=shift.start).exclude(pk=shift.pk)
    if overlapping.exists():
        raise ValidationError({"start": [_("该工作人员当天已有与此时段重叠的值班。")]})


def _worker_lock(worker_id) -> None:
    """Serialises two shifts of one worker arranged at once, so that the overlap check holds."""
    if worker_id is not None:
        list(get_user_model()._default_manager.select_for_update().filter(pk=worker_id).values_list("pk"))


@transaction.atomic
def shift_create(*, acting_user, **fields) -> Shift:
    shift = Shift(**fields)
    _worker_lock(shift.worker_id)
    _shift_check(shift)
    return instance_save(shift, acting_user=acting_user)


@transaction.atomic
def shift_update(*, shift: Shift, acting_user, expected_version: int | None = None, **fields) -> Shift:
    _unit_station_kept(shift, fields)
    lock_current(shift, expected_version=expected_version)
    candidate = Shift(**{f.attname: getattr(shift, f.attname) for f in Shift._meta.concrete_fields})
    for name, value in fields.items():
        setattr(candidate, name, value)
    _worker_lock(candidate.worker_id)
    _shift_check(candidate)
    return model_update(instance=shift, acting_user=acting_user, data=fields, expected_version=expected_version)


@transaction.atomic
def checklist_set(*, station: ServiceStation, acting_user, item: str, met: bool, note: str = "",
                  expected_version: int | None = None) -> StationChecklistEntry:
    """Mark one standard (五统一、十个一, 三(二)) as met or not for a station; the street's tally follows."""
    # The station's street as it is now, the station locked: a move to another street (station_update) moves
    # the tallies of the entries it sees, so it must not run between this entry's write and its tally's.
    street_id = ServiceStation.objects.select_for_update().values_list("street_id", flat=True).get(pk=station.pk)
    entry = StationChecklistEntry.objects.select_for_update().filter(station=station, item=item).first()
    if entry is None:
        entry = instance_save(StationChecklistEntry(station=station, item=item, met=met, note=note),
                              acting_user=acting_user)
        was_met = False
    else:
        was_met = entry.met
        entry = model_update(instance=entry, acting_user=acting_user, data={"met": met, "note": note},
                             expected_version=expected_version)
    if entry.met != was_met:
        _checklist_tally_add({(street_id, item): 1 if entry.met else -1})
    return entry


def _checklist_tally_add(deltas: dict[tuple[int, str], int]) -> None:
    """Add each delta to its (street, standard) tally: the row made once if missing, then one UPDATE a row, which
    two writers at once apply one after the other (the row's lock), in a fixed order (no deadlock)."""
    deltas = {key: n for key, n in sorted(deltas.items()) if n}
    if not deltas:
        return
    ChecklistTally.objects.bulk_create([ChecklistTally(street_id=street_id, item=item) for street_id, item in deltas],
                                       ignore_conflicts=True)
    for (street_id, item), n in deltas.items():
        ChecklistTally.objects.filter(street_id=street_id, item=item).update(met=F("met") + n)


@transaction.atomic
def checklist_tally_rebuild(*, street_ids=None) -> None:
    """Count the tallies again from the entries (after bulk writes: the demo, the benchmark's copies; and the
    migration that made them): every street's, or those given."""
    entries = StationChecklistEntry.objects.filter(met=True)
    tallies = ChecklistTally.objects.all()
    if street_ids is not None:
        entries = entries.filter(station__street_id__in=sorted(street_ids))
        tallies = tallies.filter(street_id__in=sorted(street_ids))
    counts = entries.order_by().values_list("station__street_id", "item").annotate(n=Count("*"))
    tallies.delete()
    ChecklistTally.objects.bulk_create([ChecklistTally(street_id=street_id, item=item, met=n)
                                        for street_id, item, n in counts])


# ---------------------------------------------------------------------------------------------------
# Reminders: due tomorrow (the next working day) and overdue, once each per case and due date.


def case_reminders_send(*, today: datetime.date | None = None, calendar=None) -> int:
    """Notify the station head and the case's worker of open cases due on the next working day and of
    those overdue. Idempotent: a reminder is kept once per (case, kind, day), `day` being the due date it
    is about, and a notification once per (reminder, recipient), so a re-run or a retried task notifies
    nobody twice. Returns how many notifications this run created."""
    from service_stations.selectors import station_head_users, working_calendar

    today = today or timezone.localdate()
    calendar = calendar or working_calendar()
    next_working = calendar.add_working_days(today, 1)
    open_cases = ServiceCase.objects.filter(status__in=OPEN_STATUSES)
    wanted = [
        (CaseReminder.Kind.DUE_TOMORROW, open_cases.filter(due_date__gt=today, due_date__lte=next_working)),
        (CaseReminder.Kind.OVERDUE, open_cases.filter(due_date__lt=today)),
    ]
    created = 0
    for kind, cases in wanted:
        cases = cases.exclude(Exists(CaseReminder.objects.filter(case=OuterRef("pk"), kind=kind,
                                                                 day=OuterRef("due_date"))))
        rows = list(cases.values_list("pk", "due_date", "station_id", "handler_id", "number"))
        for start in range(0, len(rows), 5000):
            created += _reminders_batch(kind, rows[start:start + 5000], today, station_head_users)
    return created


@transaction.atomic
def _reminders_batch(kind, rows, today, station_head_users) -> int:
    CaseReminder.objects.bulk_create([CaseReminder(case_id=pk, kind=kind, day=due) for pk, due, *_ in rows],
                                     ignore_conflicts=True)
    reminders = {(r.case_id, r.day): r.pk for r in CaseReminder.objects.filter(
        kind=kind, case_id__in=[row[0] for row in rows])}
    heads = station_head_users(station_ids={row[2] for row in rows}, on=today)
    label = CaseReminder.Kind(kind).label
    notifications = []
    for pk, due, station_id, handler_id, number in rows:
        reminder_id = reminders.get((pk, due))
        if reminder_id is None:
            continue
        message = _("办件 %(number)s %(label)s（办结期限 %(due)s）") % {"number": number, "label": label, "due": due}
        for user_id in heads.get(station_id, set()) | ({handler_id} if handler_id else set()):
            notifications.append(Notification(recipient_id=user_id, reminder_id=reminder_id, case_id=pk,
                                              message=message))
    before = Notification.objects.filter(reminder_id__in=reminders.values()).count()
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    created = Notification.objects.filter(reminder_id__in=reminders.values()).count() - before
    if settings.EMAIL_HOST:
        transaction.on_commit(functools.partial(_reminder_emails_send, list(reminders.values())))
    return created


def _reminder_emails_send(reminder_ids) -> None:
    notifications_email(Notification.objects.filter(reminder_id__in=reminder_ids), subject=_("服务站办件提醒"))


def notifications_email(notifications, *, subject: str) -> None:
    """E-mail the notifications not yet e-mailed to recipients with an address (when e-mail is configured):
    each is claimed (marked e-mailed) before it is sent, so a retried run never sends one twice. The one
    place the in-app notifications go out by mail: case reminders here, score reminders in assessments."""
    pending = notifications.filter(emailed=False, recipient__email__gt="").select_related("recipient")
    for notification in pending:
        if Notification.objects.filter(pk=notification.pk, emailed=False).update(emailed=True):
            send_mail(subject, notification.message, None, [notification.recipient.email], fail_silently=True)


@transaction.atomic
def notification_read(*, notification: Notification, acting_user) -> Notification:
    """Mark an in-app notification read (its recipient only: the selector scopes it). Reading twice changes nothing."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification

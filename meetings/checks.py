"""The meeting rules, each decided by one function: how often the required meetings are held (二(四)1,
三(一)3, 三(三)1) and what a representatives' meeting must hear (三(三)2). The compliance report, the
findings page and the reminders call the frequency checks; the recording service the report check."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils.translation import gettext as _

from governance.findings import Breach, breaches_by_street, flag
from governance.registry import rule_check
from governance.rules import RuleBook
from meetings.models import MeetingKind

APP = "meetings"
PERIOD_LABELS = {"year": "本年度", "quarter": "本季度", "month": "本月"}


def _frequency(rule, held: int, kind: str, period: str) -> list[Breach]:
    if held >= rule.value:
        return []
    return [Breach(rule, kind, _("%(period)s%(kind)s已召开 %(held)s 次，应不少于 %(required)s 次") % {
        "period": PERIOD_LABELS[period], "kind": MeetingKind(kind).label, "held": held, "required": rule.value},
        excess=rule.value - held, short=True)]


def frequency_held(kind: str, *, unit: str, start, end):
    """SQL, for a street or community row (`unit` naming the meeting's field for it): how many meetings of
    `kind` it held from `start` to `end` (a correlated count the (unit, kind, held_on) index answers)."""
    from meetings.models import Meeting

    held = (Meeting.objects.filter(**{unit: OuterRef("pk")}, kind=kind, held_on__gte=start, held_on__lte=end)
            .order_by().values(unit).annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(held), 0)


def frequency_short(kind: str, held, *, rules: RuleBook) -> Q:
    """The condition form of the frequency checks (issue 14): the row's count `held` (an expression made with
    `frequency_held`) is fewer meetings of `kind` than its rule asks — `_frequency`'s test, in SQL."""
    return Q(LessThan(held, rules[FREQUENCY_RULES[kind]].value))


def _frequency_counts(rule, units, *, kind: str, unit: str, start, end, street: str) -> dict:
    """The counting form of `_frequency` (issue 14), per street: the units of `units` (streets or communities,
    `unit` naming the meeting's field for them) that held fewer meetings of `kind` from `start` to `end`
    than the rule asks; one grouped query."""
    return breaches_by_street(units.annotate(held=frequency_held(kind, unit=unit, start=start, end=end)),
                              flag(Q(held__lt=rule.value)), street=street)


@rule_check("big_committee.meetings_per_year", app_label=APP)
def big_committee_frequency(*, held: int, rules: RuleBook) -> list[Breach]:
    """二(四)1: the street's big working committee holds at least 2 joint meetings a year."""
    return _frequency(rules["big_committee.meetings_per_year"], held, MeetingKind.BIG_COMMITTEE, "year")


@big_committee_frequency.counter
def big_committee_counts(*, streets, start, end, rules: RuleBook) -> dict:
    return _frequency_counts(rules["big_committee.meetings_per_year"], streets, kind=MeetingKind.BIG_COMMITTEE,
                             unit="street_id", start=start, end=end, street="pk")


@rule_check("joint_committee.meetings_per_quarter", app_label=APP)
def joint_committee_frequency(*, held: int, rules: RuleBook) -> list[Breach]:
    """三(一)3: the community's joint party committee meets once a quarter."""
    return _frequency(rules["joint_committee.meetings_per_quarter"], held, MeetingKind.JOINT_COMMITTEE, "quarter")


@joint_committee_frequency.counter
def joint_committee_counts(*, communities, start, end, rules: RuleBook) -> dict:
    return _frequency_counts(rules["joint_committee.meetings_per_quarter"], communities,
                             kind=MeetingKind.JOINT_COMMITTEE, unit="community_id", start=start, end=end,
                             street="street_id")


@rule_check("residents.deliberation_per_month", app_label=APP)
def deliberation_frequency(*, held: int, rules: RuleBook) -> list[Breach]:
    """三(三)1: the residents' deliberation (社区议事园) is held at least once a month."""
    return _frequency(rules["residents.deliberation_per_month"], held, MeetingKind.DELIBERATION, "month")


@deliberation_frequency.counter
def deliberation_counts(*, communities, start, end, rules: RuleBook) -> dict:
    return _frequency_counts(rules["residents.deliberation_per_month"], communities, kind=MeetingKind.DELIBERATION,
                             unit="community_id", start=start, end=end, street="street_id")


@rule_check("meetings.three_reports", app_label=APP)
def representatives_reports(*, meeting, rules: RuleBook) -> list[Breach]:
    """三(三)2 "三报告一评议": at the representatives' meeting the party secretary, the station head and the
    residents' committee chair report, and the representatives assess their work."""
    if meeting.kind != MeetingKind.REPRESENTATIVES:
        return []
    rule = rules["community.residents_committee"]
    missing = [label for label, done in (
        (_("社区党委书记"), meeting.secretary_reported), (_("服务站站长"), meeting.station_head_reported),
        (_("居委会主任"), meeting.rc_director_reported)) if not done]
    found = []
    if missing:
        found.append(Breach(rule, "reports", _("居民代表会议须听取%(who)s的工作报告") % {"who": "、".join(missing)},
                            field="secretary_reported"))
    if not meeting.assessment.strip():
        found.append(Breach(rule, "assessment", _("居民代表会议须对社区党委、服务站、居委会的工作进行评议，请填写评议结果"),
                            field="assessment"))
    return found


FREQUENCY_RULES = {  # the rule each frequency check reads
    MeetingKind.BIG_COMMITTEE: "big_committee.meetings_per_year",
    MeetingKind.JOINT_COMMITTEE: "joint_committee.meetings_per_quarter",
    MeetingKind.DELIBERATION: "residents.deliberation_per_month",
}

FREQUENCY_COUNTERS = {  # the counting forms, with the units they count
    MeetingKind.BIG_COMMITTEE: ("streets", big_committee_counts),
    MeetingKind.JOINT_COMMITTEE: ("communities", joint_committee_counts),
    MeetingKind.DELIBERATION: ("communities", deliberation_counts),
}

FREQUENCY_CHECKS = {
    MeetingKind.BIG_COMMITTEE: ("year", big_committee_frequency),
    MeetingKind.JOINT_COMMITTEE: ("quarter", joint_committee_frequency),
    MeetingKind.DELIBERATION: ("month", deliberation_frequency),
}

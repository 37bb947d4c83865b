"""Demo meetings (called by governance/district's seed_demo): most units hold their required meetings, a few
are missing some, so the compliance report has something to show. Idempotent.

Bulk (issue 14): each row is checked as its service checks it (`_meeting_check`, `_agreement_check`, the
fields), then written with its history row (`bulk_create_with_history`): a few queries, not one service call
per row."""

import datetime

from django.utils import timezone

from communities.models import Community
from governance.bulk import bulk_create_validated
from governance.models import StationedUnit
from governance.rules import RuleBook
from meetings.models import CoBuildingAgreement, FourListKind, JointCommitteeList, Meeting, MeetingDecision, MeetingKind
from meetings.selectors import period_bounds, previous_period
from meetings.services import _agreement_check, _meeting_check
from streets.models import Street


def seed_meetings_demo() -> None:
    if Meeting.objects.exists():
        return
    today = timezone.localdate()
    year_start, _ = period_bounds(today, "year")
    quarter_start, _ = period_bounds(today, "quarter")
    month_start, _ = period_bounds(today, "month")
    last_month, _ = previous_period(today, "month")
    last_quarter, _ = previous_period(today, "quarter")
    last_year, _ = previous_period(today, "year")
    meetings, decisions, agreements, four_lists = [], [], [], []
    books = {}

    def meeting_record(*, acting_user, decisions=(), **fields):  # meetings.services.meeting_record, unwritten
        meeting = Meeting(**fields)
        if meeting.held_on not in books:
            books[meeting.held_on] = RuleBook(on=meeting.held_on)
        _meeting_check(meeting, rules=books[meeting.held_on])
        meetings.append(meeting)
        pending_decisions.extend((meeting, decision) for decision in decisions)

    def agreement_create(*, acting_user, **fields):
        agreement = CoBuildingAgreement(**fields)
        _agreement_check(agreement)
        agreements.append(agreement)

    def four_list_create(*, acting_user, **fields):
        four_lists.append(JointCommitteeList(**fields))

    pending_decisions = []
    units = {}
    for unit in StationedUnit.objects.order_by("street_id", "name"):  # their default order
        units.setdefault(unit.street_id, []).append(unit)
    communities = {}
    for community in Community.objects.order_by("code"):
        communities.setdefault(community.street_id, []).append(community)
    for index, street in enumerate(Street.objects.order_by("code")):
        for month in (3, 9):  # last year's two joint meetings (二(四)1): the previous period is in order
            meeting_record(acting_user=None, kind=MeetingKind.BIG_COMMITTEE, street=street,
                           held_on=last_year.replace(month=month, day=15), attendees="街道党工委委员、驻区单位党组织负责人",
                           agenda="区域化党建工作推进", minutes="通报共建项目进展。")
        meeting_record(acting_user=None, kind=MeetingKind.BIG_COMMITTEE, street=street, held_on=year_start
                       + datetime.timedelta(days=20), attendees="街道党工委委员、驻区单位党组织负责人",
                       agenda="区域化党建年度计划", minutes="审议通过年度共建项目。",
                       decisions=[{"text": "驻区单位认领共建项目", "responsible": "基层党建办公室",
                                   "due_date": year_start + datetime.timedelta(days=90)}])
        for unit in units.get(street.pk, [])[:2]:
            agreement_create(acting_user=None, street=street, stationed_unit=unit, signed_on=year_start,
                             content="党建联建、志愿服务、资源共享")
        for number, community in enumerate(communities.get(street.pk, [])):
            gap = (index + number) % 5 == 0
            meeting_record(acting_user=None, kind=MeetingKind.DELIBERATION, community=community, held_on=last_month,
                           attendees="居民代表15人", agenda="小区停车管理")
            if number % 7 != 3:  # last quarter's joint meeting (三(一)3); a few communities missed it
                meeting_record(acting_user=None, kind=MeetingKind.JOINT_COMMITTEE, community=community,
                               held_on=last_quarter + datetime.timedelta(days=10), attendees="联合党委委员",
                               agenda="共建项目推进")
            if not gap:
                meeting_record(acting_user=None, kind=MeetingKind.DELIBERATION, community=community,
                               held_on=month_start, attendees="居民代表12人", agenda="楼道堆物清理",
                               decisions=[{"text": "组织志愿者清理楼道", "responsible": "居委会"}])
                meeting_record(acting_user=None, kind=MeetingKind.JOINT_COMMITTEE, community=community,
                               held_on=quarter_start, attendees="联合党委委员", agenda="四项清单落实情况")
            if number % 3 == 0:
                meeting_record(acting_user=None, kind=MeetingKind.REPRESENTATIVES, community=community,
                               held_on=year_start + datetime.timedelta(days=30), attendees="居民代表40人",
                               agenda="三报告一评议", secretary_reported=True, station_head_reported=True,
                               rc_director_reported=True, assessment="满意36票，基本满意4票")
            for kind in FourListKind.values:
                four_list_create(acting_user=None, community=community, year=today.year, kind=kind,
                                 agreed_on=year_start + datetime.timedelta(days=10),
                                 content=f"{FourListKind(kind).label}（示例）")
    bulk_create_validated(meetings, Meeting)
    for meeting, decision in pending_decisions:
        decisions.append(MeetingDecision(meeting=meeting, **decision))
    bulk_create_validated(decisions, MeetingDecision)
    bulk_create_validated(agreements, CoBuildingAgreement)
    bulk_create_validated(four_lists, JointCommitteeList)

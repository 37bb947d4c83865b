"""二(四)2: an honours evaluation is opened to the street and community at least 10 working days before it is
decided; the opening day does not count, statutory holidays do not, make-up workdays (调休) do."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from admissions.models import HonoursConsultation
from admissions.services import honours_consultation_open, honours_consultation_update, honours_opinion_record
from governance.exceptions import RuleViolation
from service_stations.selectors import working_calendar
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def add_working_days(day, n):
    """By the district's one stored calendar (service_stations), as the service counts them."""
    return working_calendar().add_working_days(day, n)


def open_(w, opened_on, decision_date, **extra):
    return honours_consultation_open(acting_user=None, department=w["dept"], title="文明家庭评选", candidates="张家",
                                     street=w["a"], opened_on=opened_on, decision_date=decision_date, **extra)


@pytest.fixture
def w(two_streets):
    return {**two_streets, "dept": f.department(name="文明办（测试）")}


@pytest.mark.parametrize(("opened", "tenth"), [
    (D(2024, 3, 4), D(2024, 3, 18)),  # two plain weeks
    (D(2024, 9, 27), D(2024, 10, 16)),  # over 国庆: 9-29 (Sun) and 10-12 (Sat) are make-up workdays, 10-1..7 off
])
def test_a_decision_on_the_tenth_working_day_after_opening_is_allowed_and_the_ninth_is_not(w, opened, tenth):
    ninth = add_working_days(opened, 9)
    with pytest.raises(RuleViolation) as exc:
        open_(w, opened, ninth)
    assert (exc.value.rule, exc.value.clause, exc.value.field) == (
        "honours.consultation_working_days", "二(四)2", "decision_date")
    assert str(tenth) in exc.value.text
    assert not HonoursConsultation.objects.exists()
    assert open_(w, opened, tenth).decision_date == tenth


def test_moving_the_decision_earlier_is_checked_again(w):
    consultation = open_(w, D(2024, 3, 4), D(2024, 3, 20))
    with pytest.raises(RuleViolation):
        honours_consultation_update(consultation=consultation, acting_user=None, decision_date=D(2024, 3, 15))
    consultation.refresh_from_db()
    assert consultation.decision_date == D(2024, 3, 20)


def test_the_community_must_be_in_the_street(w):
    with pytest.raises(ValidationError) as exc:
        open_(w, D(2024, 3, 4), D(2024, 3, 20), community=w["cb"])
    assert "community" in exc.value.message_dict


def test_a_veto_recommendation_is_recorded_until_the_decision(w):
    today = timezone.localdate()
    consultation = open_(w, today, add_working_days(today, 12))
    opinion = honours_opinion_record(acting_user=None, consultation=consultation, street=w["a"],
                                     opinion="建议否决", recommends_veto=True)
    assert opinion.recommends_veto
    past = open_(w, D(2024, 3, 4), D(2024, 3, 20))
    with pytest.raises(ValidationError) as exc:
        honours_opinion_record(acting_user=None, consultation=past, street=w["a"], opinion="迟到的意见")
    assert "opinion" in exc.value.message_dict


def test_working_days_follow_the_prc_calendar_and_fall_back_for_unknown_years():
    calendar = working_calendar()
    assert calendar.is_working_day(D(2024, 9, 29)) and not calendar.is_working_day(D(2024, 10, 2))
    far = D(2099, 10, 1)
    assert calendar.is_provisional(far) and not calendar.is_working_day(far)  # 国庆 1 Oct is a fixed holiday
    assert not calendar.is_working_day(D(2099, 10, 3)) and calendar.is_working_day(D(2099, 10, 5))


def test_a_year_the_administrator_enters_counts_for_the_notice_as_for_the_stations(w):
    """One calendar for the district: a make-up workday (调休) the administrator enters for a year the package
    does not know moves the honours notice's earliest decision date exactly as it moves a case's due date."""
    from service_stations.models import CalendarDay, CalendarYear

    opened = D(2099, 3, 6)  # a Friday of a year nobody has entered
    assert add_working_days(opened, 10) == D(2099, 3, 20)
    year = CalendarYear.objects.create(year=2099, source="测试")
    CalendarDay.objects.create(calendar_year=year, date=D(2099, 3, 7), is_working=True)  # a Saturday made a workday
    assert add_working_days(opened, 10) == D(2099, 3, 19)
    with pytest.raises(RuleViolation) as exc:
        open_(w, opened, D(2099, 3, 18))
    assert str(D(2099, 3, 19)) in exc.value.text
    assert open_(w, opened, D(2099, 3, 19)).decision_date == D(2099, 3, 19)

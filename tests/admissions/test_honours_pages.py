"""Pages of honours consultations (二(四)2): a department opens one, the street or community sees it and
records a veto recommendation, each page says whether the 10-working-day notice holds; scope and query
counts."""

import datetime

import pytest
from django.utils import timezone

from admissions.models import HonoursConsultation, HonoursOpinion
from admissions.services import honours_consultation_open
from governance.roles import Role
from service_stations.selectors import working_calendar
from tests import factories as f

pytestmark = pytest.mark.django_db


def add_working_days(day, n):
    return working_calendar().add_working_days(day, n)


@pytest.fixture
def w(two_streets):
    return {**two_streets, "dept": f.department(name="文明办（测试）"), "other": f.department(name="另一局")}


def consult(w, side="a", days=12, title="文明家庭评选", **extra):
    today = timezone.localdate()
    return honours_consultation_open(acting_user=None, department=w["dept"], title=title, candidates="张家",
                                     street=w[side], decision_date=add_working_days(today, days), **extra)


def body(w, days, **extra):
    data = {"department": w["dept"].pk, "title": "五好家庭评选", "candidates": "李家", "street": w["a"].pk,
            "decision_date": add_working_days(timezone.localdate(), days).isoformat()}
    data.update(extra)
    return data


def test_a_department_opens_a_consultation_on_the_tenth_working_day_and_not_the_ninth(w, client):
    client.force_login(f.user(Role.DEPARTMENT_USER, w["dept"]))
    assert client.get("/admissions/honours/new/").status_code == 200
    refused = client.post("/admissions/honours/new/", body(w, 9))
    assert refused.status_code == 200
    assert "最早可于" in refused.content.decode() and "10 个工作日" in refused.content.decode()
    assert not HonoursConsultation.objects.exists()
    opened = client.post("/admissions/honours/new/", body(w, 10))
    consultation = HonoursConsultation.objects.get()
    assert opened.status_code == 302 and opened["Location"] == f"/admissions/honours/{consultation.pk}/"
    assert consultation.opened_on == timezone.localdate()


def test_a_department_user_cannot_open_one_for_another_department(w, client):
    client.force_login(f.user(Role.DEPARTMENT_USER, w["other"]))
    response = client.post("/admissions/honours/new/", body(w, 12))
    assert response.status_code == 200  # the department is not a choice: a form error, nothing written
    assert not HonoursConsultation.objects.exists()


def test_street_staff_cannot_open_a_consultation(w, client):
    client.force_login(f.user(Role.STREET_STAFF, w["a"]))
    assert client.get("/admissions/honours/new/").status_code == 403


def test_the_street_sees_its_consultation_with_the_notice_and_another_street_does_not(w, client):
    mine = consult(w, title="本街评选")
    consult(w, side="b", title="他街评选")
    client.force_login(f.user(Role.STREET_STAFF, w["a"]))
    page = client.get("/admissions/honours/").content.decode()
    assert "本街评选" in page and "他街评选" not in page
    assert "12 个工作日，符合" in page
    detail = client.get(f"/admissions/honours/{mine.pk}/")
    assert detail.status_code == 200 and "符合不少于 10 个工作日的规定（二(四)2）" in detail.content.decode()
    client.force_login(f.user(Role.STREET_STAFF, w["b"]))
    assert client.get(f"/admissions/honours/{mine.pk}/").status_code == 404
    assert client.post(f"/admissions/honours/{mine.pk}/", {"opinion": "越权"}).status_code == 404
    assert not HonoursOpinion.objects.exists()


def test_a_page_says_when_the_notice_does_not_hold(w, client):
    # a row written around the service (e.g. imported): the page still tells the truth about it
    opened = datetime.date(2024, 3, 4)
    short = HonoursConsultation.objects.create(department=w["dept"], title="仓促评选", candidates="王家",
                                               street=w["a"], opened_on=opened, decision_date=datetime.date(2024, 3, 8))
    client.force_login(f.user(Role.DISTRICT_ADMIN))
    assert "4 个工作日，不足 10 个" in client.get("/admissions/honours/").content.decode()
    detail = client.get(f"/admissions/honours/{short.pk}/").content.decode()
    assert "最早可于 2024-03-18 研究评选" in detail


def test_the_street_records_a_veto_recommendation(w, client):
    consultation = consult(w)
    client.force_login(f.user(Role.STREET_STAFF, w["a"]))
    response = client.post(f"/admissions/honours/{consultation.pk}/", {"opinion": "该户有违法记录", "recommends_veto": "on"})
    assert response.status_code == 302
    opinion = HonoursOpinion.objects.get()
    assert (opinion.street, opinion.community, opinion.recommends_veto) == (w["a"], None, True)
    page = client.get("/admissions/honours/?veto=1").content.decode()
    assert consultation.title in page and "否决建议 1" in page


def test_a_community_names_itself_and_only_its_own(w, client):
    consultation = consult(w, community=w["ca"])
    client.force_login(f.user(Role.COMMUNITY_STAFF, w["ca"]))
    missing = client.post(f"/admissions/honours/{consultation.pk}/", {"opinion": "同意"})
    assert missing.status_code == 200 and not HonoursOpinion.objects.exists()
    foreign = client.post(f"/admissions/honours/{consultation.pk}/", {"opinion": "同意", "community": w["cb"].pk})
    assert foreign.status_code == 200 and not HonoursOpinion.objects.exists()
    ok = client.post(f"/admissions/honours/{consultation.pk}/", {"opinion": "同意", "community": w["ca"].pk})
    assert ok.status_code == 302
    assert HonoursOpinion.objects.get().community == w["ca"]


def test_no_opinion_after_the_decision(w, client):
    past = HonoursConsultation.objects.create(department=w["dept"], title="往年评选", candidates="赵家", street=w["a"],
                                              opened_on=datetime.date(2024, 3, 4), decision_date=datetime.date(2024, 3, 20))
    client.force_login(f.user(Role.STREET_STAFF, w["a"]))
    assert client.post(f"/admissions/honours/{past.pk}/", {"opinion": "迟到"}).status_code == 403
    assert not HonoursOpinion.objects.exists()


def test_editing_is_versioned_and_checks_the_notice_again(w, client):
    consultation = consult(w, days=15)
    client.force_login(f.user(Role.DEPARTMENT_USER, w["dept"]))
    url = f"/admissions/honours/{consultation.pk}/edit/"
    assert client.get(url).status_code == 200
    data = {"title": "改名", "candidates": "张家", "expected_version": consultation.version,
            "decision_date": add_working_days(timezone.localdate(), 9).isoformat()}
    too_early = client.post(url, data)
    assert too_early.status_code == 200 and "最早可于" in too_early.content.decode()
    stale = client.post(url, {**data, "expected_version": consultation.version - 1,
                              "decision_date": add_working_days(timezone.localdate(), 11).isoformat()})
    assert stale.status_code == 200 and "已被他人修改" in stale.content.decode()
    consultation.refresh_from_db()
    assert consultation.title == "文明家庭评选"
    ok = client.post(url, {**data, "decision_date": add_working_days(timezone.localdate(), 11).isoformat()})
    assert ok.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.title, consultation.decision_date) == ("改名", add_working_days(timezone.localdate(), 11))


def test_another_department_and_a_street_cannot_edit(w, client):
    consultation = consult(w)
    client.force_login(f.user(Role.DEPARTMENT_USER, w["other"]))
    assert client.get(f"/admissions/honours/{consultation.pk}/edit/").status_code == 403
    client.force_login(f.user(Role.STREET_STAFF, w["a"]))
    assert client.get(f"/admissions/honours/{consultation.pk}/edit/").status_code == 403


@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.STREET_STAFF])
def test_the_list_runs_a_constant_number_of_queries(w, client, django_assert_max_num_queries, role):
    client.force_login(f.user(role, w["a"] if role == Role.STREET_STAFF else None))

    def grow(n):
        for _ in range(n):
            c = consult(w, community=w["ca"])
            HonoursOpinion.objects.create(consultation=c, street=w["a"], opinion="否", recommends_veto=True)
            consult(w, side="b")

    grow(2)
    client.get("/admissions/honours/")
    with django_assert_max_num_queries(25) as small:
        assert client.get("/admissions/honours/?state=open").status_code == 200
    grow(8)
    with django_assert_max_num_queries(25) as large:
        assert client.get("/admissions/honours/?state=open").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("query", ["?street=abc", "?street=99999999999999999999", "?state=x&veto=2", "?page=-1"])
def test_bad_filters_do_not_break_the_list(w, client, query):
    client.force_login(f.user(Role.DISTRICT_ADMIN))
    assert client.get(f"/admissions/honours/{query}").status_code == 200

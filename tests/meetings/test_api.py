"""The meetings API and pages: scope (another street sees and changes nothing), the compliance report,
query counts."""

import datetime

import pytest
from django.forms.models import model_to_dict

from governance.models import StationedUnit
from governance.roles import Role
from meetings.models import CoBuildingAgreement, Meeting, MeetingDecision, MeetingKind
from meetings.services import agreement_create, meeting_record
from tests import factories as f

pytestmark = pytest.mark.django_db
API = "/api/v1"
D = datetime.date
K = MeetingKind


@pytest.fixture
def world(two_streets):
    w = dict(two_streets)
    for side in ("a", "b"):
        w[f"m{side}"] = meeting_record(acting_user=None, kind=K.DELIBERATION, community=w[f"c{side}"],
                                       held_on=D(2024, 1, 5), attendees="居民代表", agenda="停车",
                                       decisions=[{"text": "划线", "responsible": "居委会"}])
        w[f"big{side}"] = meeting_record(acting_user=None, kind=K.BIG_COMMITTEE, street=w[side], held_on=D(2024, 1, 6),
                                         attendees="大工委委员", agenda="共建")
        unit = StationedUnit.objects.create(street=w[side], name=f"驻区单位{side}", level="city")
        w[f"agreement{side}"] = agreement_create(acting_user=None, street=w[side], stationed_unit=unit,
                                                 signed_on=D(2024, 1, 1), content="共建")
    return w


def snapshot(model):
    return sorted(repr(sorted(model_to_dict(o).items())) for o in model.objects.all())


def ids(response):
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


@pytest.mark.parametrize(("endpoint", "row", "model", "patch"), [
    ("meetings", "mb", Meeting, {"agenda": "改"}),
    ("meetings", "bigb", Meeting, {"agenda": "改"}),
    ("co-building-agreements", "agreementb", CoBuildingAgreement, {"content": "改"}),
])
def test_another_streets_user_sees_and_changes_nothing(world, api_for, endpoint, row, model, patch):
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    assert world[row].pk not in ids(client.get(f"{API}/{endpoint}/"))
    assert client.get(f"{API}/{endpoint}/{world[row].pk}/").status_code == 404
    before = snapshot(model)
    assert client.patch(f"{API}/{endpoint}/{world[row].pk}/", patch, format="json").status_code == 404
    assert snapshot(model) == before


def test_a_street_cannot_record_a_meeting_for_another_streets_community(world, api_for):
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    before = Meeting.objects.count()
    response = client.post(f"{API}/meetings/", {"kind": "deliberation", "community": world["cb"].pk,
                                                "held_on": "2024-02-01", "attendees": "x", "agenda": "y"}, format="json")
    assert response.status_code == 400 and "community" in response.json()
    assert Meeting.objects.count() == before


def test_a_community_records_its_meeting_with_decisions_and_follows_them(world, api_for):
    client = api_for(f.user(Role.COMMUNITY_STAFF, world["ca"]))
    response = client.post(f"{API}/meetings/", {
        "kind": "joint_committee", "community": world["ca"].pk, "held_on": "2024-02-01", "attendees": "联合党委委员",
        "agenda": "四项清单", "decisions": [{"text": "建立需求清单", "responsible": "社区党委"}]}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["street"] == world["a"].pk
    decision = response.json()["decisions"][0]["id"]
    done = client.patch(f"{API}/meeting-decisions/{decision}/", {"status": "done"}, format="json")
    assert done.status_code == 200 and done.json()["completed_on"] is not None
    other = api_for(f.user(Role.COMMUNITY_STAFF, world["cb"]))
    assert other.patch(f"{API}/meeting-decisions/{decision}/", {"status": "open"}, format="json").status_code == 404
    assert MeetingDecision.objects.get(pk=decision).status == "done"


def test_a_representatives_meeting_without_its_reports_is_400_naming_the_clause(world, api_for):
    client = api_for(f.user(Role.COMMUNITY_STAFF, world["ca"]))
    response = client.post(f"{API}/meetings/", {"kind": "representatives", "community": world["ca"].pk,
                                                "held_on": "2024-02-01", "attendees": "居民代表", "agenda": "述职"},
                           format="json")
    assert response.status_code == 400
    assert (response.json()["rule"], response.json()["clause"]) == ("community.residents_committee", "三(三)2")


def test_the_compliance_report_covers_the_callers_scope_only(world, api_for):
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    response = client.get(f"{API}/meetings/compliance/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {(r["street"], r["community"]) for r in rows} == {(world["a"].pk, None), (world["a"].pk, world["ca"].pk)}
    community = next(r for r in rows if r["community"])
    assert {q["kind"]: q["clause"] for q in community["requirements"]} == {
        "joint_committee": "三(一)3", "deliberation": "三(三)1"}
    street = next(r for r in rows if r["community"] is None)
    assert street["requirements"][0]["rule"] == "big_committee.meetings_per_year"
    community_client = api_for(f.user(Role.COMMUNITY_STAFF, world["cb"]))
    assert {r["community"] for r in community_client.get(f"{API}/meetings/compliance/").json()["results"]} == {
        world["cb"].pk}


def test_the_compliance_report_needs_a_role_that_reads_meetings(world, api_for, api):
    assert api.get(f"{API}/meetings/compliance/").status_code == 401
    grid_worker = f.user(Role.GRID_WORKER, f.grid(world["ca"]))
    assert api_for(grid_worker).get(f"{API}/meetings/compliance/").status_code == 403


def grow(w, n):
    for _ in range(n):
        street = f.street()
        community = f.community(street)
        extra = f.community(w["a"])
        for unit in (community, extra):
            meeting_record(acting_user=None, kind=K.DELIBERATION, community=unit, held_on=D(2024, 1, 5),
                           attendees="x", agenda="y", decisions=[{"text": "d", "responsible": "r"}])
        meeting_record(acting_user=None, kind=K.BIG_COMMITTEE, street=street, held_on=D(2024, 1, 5),
                       attendees="x", agenda="y")


@pytest.mark.parametrize("role", [Role.DISTRICT_ADMIN, Role.STREET_STAFF])
@pytest.mark.parametrize("url", [f"{API}/meetings/", f"{API}/meetings/compliance/", f"{API}/meeting-decisions/",
                                 "/meetings/", "/meetings/compliance/"])
def test_query_count_is_constant(world, client, django_assert_max_num_queries, role, url):
    client.force_login(f.user(role, world["a"] if role == Role.STREET_STAFF else None))
    grow(world, 2)
    client.get(url)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    grow(world, 8)
    with django_assert_max_num_queries(40) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_pages_show_meetings_and_what_is_missing(world, client):
    client.force_login(f.user(Role.STREET_STAFF, world["a"]))
    page = client.get("/meetings/compliance/").content.decode()
    assert world["ca"].name in page and world["cb"].name not in page and "三(三)1" in page
    assert client.get(f"/meetings/{world['ma'].pk}/").status_code == 200
    assert client.get(f"/meetings/{world['mb'].pk}/").status_code == 404
    response = client.post("/meetings/new/", {"kind": "big_committee", "street": world["a"].pk, "held_on": "2024-03-01",
                                              "attendees": "委员", "agenda": "议题", "decisions": "修路｜城管科｜2024-05-01"})
    assert response.status_code == 302
    meeting = Meeting.objects.get(held_on=D(2024, 3, 1))
    assert meeting.decisions.get().due_date == D(2024, 5, 1)
    decision = world["ma"].decisions.get()
    assert client.post(f"/meetings/decisions/{decision.pk}/done/", {"outcome": "完成"}).status_code == 302
    decision.refresh_from_db()
    assert decision.status == "done"
    other = world["mb"].decisions.get()
    assert client.post(f"/meetings/decisions/{other.pk}/done/", {"outcome": "完成"}).status_code == 404
    other.refresh_from_db()
    assert other.status == "open"


# Measured: the compliance report reads the units' totals (one aggregate per kind of unit), the page's units and
# their meetings whatever the number of units in scope (issue 14).
COMPLIANCE_API_BOUND = 12


def test_the_compliance_report_pages_the_units_and_totals_them_all(world, api_for, django_assert_max_num_queries):
    from communities.models import Community
    from governance.rules import RuleBook
    from meetings.selectors import meeting_compliance
    from streets.models import Street

    today = RuleBook().on
    extra = [f.community(world["a"]) for _ in range(60)]  # street a: 1 street + 61 communities, over two pages
    for community in extra[:5]:  # five communities hold this period's meetings
        for kind in (K.JOINT_COMMITTEE, K.DELIBERATION):
            meeting_record(acting_user=None, kind=kind, community=community, held_on=today, attendees="x", agenda="y")
    client = api_for(f.user(Role.STREET_STAFF, world["a"]))
    with django_assert_max_num_queries(COMPLIANCE_API_BOUND):
        first = client.get(f"{API}/meetings/compliance/")
    assert first.status_code == 200
    second = client.get(first.json()["next"])
    assert second.status_code == 200 and second.json()["next"] is None
    units = [(r["street"], r["community"]) for page in (first, second) for r in page.json()["results"]]
    assert len(first.json()["results"]) == 50 and first.json()["count"] == 62
    assert len(units) == len(set(units)) == 62  # page 2 holds the rest, nothing twice
    assert set(units) == {(world["a"].pk, None)} | {(world["a"].pk, c.pk) for c in [world["ca"], *extra]}
    # the totals are over every unit in scope (not the page) and agree with the checks row by row
    rows = meeting_compliance(streets=Street.objects.filter(pk=world["a"].pk),
                              communities=Community.objects.filter(street=world["a"]), rules=RuleBook())
    totals = second.json()["totals"]
    assert totals["units"] == 62 and totals["with_gaps"] == sum(row.has_gaps for row in rows)
    for total in totals["requirements"]:
        found = [r for row in rows for r in row.requirements if r.kind == total["kind"]]
        assert (total["missing"], total["overdue"]) == (sum(r.missing for r in found), sum(r.overdue for r in found))
    missing = {t["kind"]: t["missing"] for t in totals["requirements"]}
    assert missing[K.DELIBERATION] == 61 - 5  # five held one this month
    gaps = client.get(f"{API}/meetings/compliance/?gaps=1&page=2").json()
    assert gaps["count"] == totals["with_gaps"] and len(gaps["results"]) == totals["with_gaps"] - 50
    assert client.get(f"{API}/meetings/compliance/?page=3").status_code == 404


def test_the_decisions_lean_serialiser_answers_what_drf_answers(world, rf):
    # Issue 14: plain columns read straight from the row, the status label from a dict made once.
    from rest_framework import serializers

    from meetings.api import MeetingDecisionSerializer
    from meetings.selectors import meeting_decisions_for_user

    request = rf.get("/")
    request.user = f.user(Role.DISTRICT_ADMIN)
    serializer = MeetingDecisionSerializer(context={"request": request})
    rows = list(meeting_decisions_for_user(user=request.user))
    assert rows
    for row in rows:
        lean, drf = serializer.to_representation(row), serializers.Serializer.to_representation(serializer, row)
        assert lean == drf and list(lean) == list(drf)
        assert lean["status_label"] == row.get_status_display()

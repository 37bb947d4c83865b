"""The main scoped lists are served by an index, for their scope filter and their order (issue 14).

EXPLAIN on PostgreSQL with sequential scans and explicit sorts switched off (`enable_seqscan`, `enable_sort`):
the planner then avoids both wherever an index can do without, so a list whose filter or order no index
serves still shows a `Seq Scan` or a `Sort` (at a prohibitive cost). SQLite's planner is another matter: the test
is skipped there (and fails in CI, which runs on PostgreSQL).
"""

import datetime

import pytest
from django.db import connection

from admissions.selectors import honours_for_user, tasks_for_user
from communities.models import Community
from communities.selectors import communities_for_user
from governance.models import Person, Post, PostKind, StaffCategory, StationedUnit
from governance.roles import Role
from governance.selectors import active_posts, people_for_user, posts_for_user, stationed_units_for_user
from streets.models import Street
from streets.selectors import street_offices_for_user
from tests import factories as f
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(two_streets):
    if connection.vendor != "postgresql":
        skip_or_fail("query plans are PostgreSQL's: set DATABASE_URL=postgres://... (SQLite in use)")
    a, ca = two_streets["a"], two_streets["ca"]
    station = f.station(a, ca)
    f.post(PostKind.STREET_STAFF, street=a, staff_category=StaffCategory.ADMINISTRATIVE, person=f.person(street=a))
    f.post(PostKind.RC_MEMBER, community=ca, person=f.person(community=ca))
    f.post(PostKind.STATION_STAFF, station=station, community=ca, person=f.person(street=a))
    StationedUnit.objects.create(street=a, name="驻区单位", level=StationedUnit.Level.CITY)
    _bulk(two_streets)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {**two_streets, "station": station,
            "admin": f.user(Role.DISTRICT_ADMIN), "street_staff": f.user(Role.STREET_STAFF, a),
            "community_staff": f.user(Role.COMMUNITY_STAFF, ca), "station_worker": f.user(Role.STATION_WORKER, station)}


def _bulk(w, streets=2, communities=30, people=5):
    """A district big enough for the planner to plan as it would for a real one (rows written in bulk:
    the plans are what is tested here, not the services)."""
    district_ = w["a"].district
    street_rows = [w["a"], *Street.objects.bulk_create(
        Street(district=district_, code=f"bulk{i}", name=f"批量{i}街") for i in range(streets))]
    community_rows = Community.objects.bulk_create(
        Community(street=s, code=f"bulk{s.pk}-{j}", name=f"批量{j}社区") for s in street_rows for j in range(communities))
    people_rows = Person.objects.bulk_create(
        Person(name=f"人员{c.pk}-{k}", street_id=c.street_id, community=c)
        for c in [*community_rows, *[w["ca"]] * 5] for k in range(people))
    Post.objects.bulk_create(
        Post(person=p, kind=PostKind.GRID_WORKER, street_id=p.street_id, community_id=p.community_id,
             start_date=datetime.date(2019, 1, 1), end_date=datetime.date(2020, 1, 1) if p.pk % 3 else None)
        for p in people_rows)


def plan(queryset, *, allow_sort: bool = False) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        if not allow_sort:
            cur.execute("SET LOCAL enable_sort = off")
        cur.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cur.fetchall())


def assert_index(queryset, index: str, *, ordered: bool = True):
    text = plan(queryset, allow_sort=not ordered)
    assert f"using {index} on" in text, text
    assert "Seq Scan" not in text, text
    if ordered:
        assert "Sort" not in text, text


LISTS = [
    # (selector, user, index serving the scope filter and the default order)
    (posts_for_user, "admin", "post_order"),
    (posts_for_user, "street_staff", "post_street_order"),
    (posts_for_user, "community_staff", "post_community_order"),
    (posts_for_user, "station_worker", "post_station_order"),
    (people_for_user, "admin", "person_order"),
    (people_for_user, "street_staff", "person_street_order"),
    (people_for_user, "community_staff", "person_community_order"),
    (communities_for_user, "street_staff", "community_street_order"),
    (stationed_units_for_user, "street_staff", "stationed_unit_unique_name_per_street"),
    (tasks_for_user, "street_staff", "task_street_newest_first"),
    (tasks_for_user, "admin", "task_newest_first"),
    (honours_for_user, "street_staff", "honours_street_newest_first"),
    (honours_for_user, "admin", "honours_newest_first"),
]


def test_a_street_offices_are_found_through_an_index(district):
    # 四办一中心: five rows a street, whatever the district's size. With so few rows the planner may take the
    # unique (street, kind) index or another; what matters is that no table is scanned whole.
    text = plan(street_offices_for_user(user=district["street_staff"])[:50], allow_sort=True)
    assert "Seq Scan" not in text, text


@pytest.mark.parametrize(("selector", "who", "index"), LISTS,
                         ids=[f"{s.__name__}-{who}" for s, who, _i in LISTS])
def test_a_scoped_list_page_is_served_by_an_index(district, selector, who, index):
    # Given a user, when their list's first page (50 rows, default order) is planned
    queryset = selector(user=district[who])[:50]
    # Then one index serves the filter and the order: no sequential scan, no sort
    assert_index(queryset, index)


def test_a_streets_incoming_tasks_are_found_through_its_index(district):
    # The street page's section (admissions.selectors.street_page_section): what reached the street and its
    # communities is the task's own street column, not an OR over the target street and the community's.
    from admissions.selectors import street_page_section

    captured = []

    def spy(execute, sql, params, many, context):
        if 'FROM "admissions_taskassignment"' in sql:
            captured.append((sql, params))
        return execute(sql, params, many, context)

    request = type("R", (), {"user": district["admin"]})()
    with connection.execute_wrapper(spy):
        street_page_section(request, district["a"])
    assert captured, "the section read no tasks"
    sql, params = captured[0]
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_sort = off")
        cur.execute(f"EXPLAIN {sql}", params)
        text = "\n".join(row[0] for row in cur.fetchall())
    assert "using task_street_newest_first on" in text, text
    assert "Seq Scan" not in text and "Sort" not in text, text


def test_a_streets_quota_page_of_communities_is_served_by_the_street_index(district):
    # /quotas/ for one street (a street's staff, or the street chosen): its page of communities in the index's
    # order, the party organisations joined for the page's rows only, not every one of the district.
    from assessments.selectors import budget_communities

    assert_index(budget_communities(user=district["street_staff"], street_id=district["a"].pk)[:50],
                 "community_street_order")


def test_active_posts_of_a_unit_are_found_through_the_partial_index(district):
    # The street page, the staffing counts: a unit's posts not ended, whatever the number of ended ones.
    queryset = active_posts().filter(street=district["a"], kind__in=[PostKind.STREET_STAFF]).order_by()
    text = plan(queryset)
    assert "post_street_active" in text or "post_street_order" in text, text
    assert "Seq Scan" not in text, text


def test_a_count_does_not_sort(district):
    # Aggregates do not inherit the model's default ordering.
    from communities.selectors import community_staffing

    sql = []
    with connection.execute_wrapper(lambda execute, q, p, many, ctx: sql.append(q) or execute(q, p, many, ctx)):
        community_staffing(community_ids=[district["ca"].pk])
    assert sql and not any("ORDER BY" in q for q in sql), sql


@pytest.mark.django_db
def test_the_jit_compiler_is_off_for_the_systems_connections():
    """Compiling a counting query over a grown district cost more than running it (issue 14); DATABASE_JIT=1
    turns it back on."""
    if connection.vendor != "postgresql":
        skip_or_fail("the JIT compiler is PostgreSQL's: set DATABASE_URL=postgres://... (SQLite in use)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_the_community_search_can_read_a_word_through_the_trigram_indexes(district):
    # The picker's search (communities.selectors.community_search): a name or code containing what was typed
    # can be found through the trigram indexes (communities/0005: their expressions are the lookups'), not only
    # by reading every community. (At x100 the planner takes them for a rare word, 0.1 ms, and walks
    # (street, code) for a common one, stopping at the first 21; this district is too small for it to choose,
    # so the plain index scans are switched off too.)
    from communities.selectors import community_search

    sql = []
    with connection.execute_wrapper(lambda execute, q, p, many, ctx: sql.append((q, p)) or execute(q, p, many, ctx)):
        community_search(user=district["admin"], query="批量7社")
    query, params = sql[-1]
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_indexscan = off")
        cur.execute(f"EXPLAIN {query}", params)
        text = "\n".join(row[0] for row in cur.fetchall())
    assert "community_name_trgm" in text and "community_code_trgm" in text, text
    assert "Seq Scan on communities_community" not in text, text

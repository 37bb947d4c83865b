"""A page of findings builds only what it shows (issue 14): each provider's lazy form (`registry.findings(fn,
stream=)`, reading its units in chunks) gives the same findings in the same order as its full form, and a page
of `findings_page` is the same slice of the whole list, with the same totals, as before."""

import itertools

import pytest

from communities.models import Community
from governance.findings import findings_for, findings_page, in_chunks
from governance.models import Post, PostKind
from governance.registry import registry
from governance.roles import Role
from governance.rules import RuleBook
from governance.sorting import pinyin_key
from grids.models import Grid
from tests import factories as f

pytestmark = pytest.mark.django_db
ON = f.START


@pytest.fixture
def world():
    """Three streets with findings of every streamed provider: communities without secretaries or grids (each a
    few findings), one in every three in order; stations over the cap (one approved, one not), a station serving
    three communities, one of them in another street (served twice); more than a page in all."""
    streets = [f.street(), f.street(), f.street()]
    for index, street in enumerate(streets):
        for n in range(12 + 3 * index):
            community = f.community(street, households=500)
            if n % 3 == 0:
                f.grid(community, households=500)  # a grid with no worker or party organisation
            else:
                f.post(PostKind.COMMUNITY_SECRETARY, community=community)
    a, b, _c = streets
    # a grid worker whose post names no grid, on the grid of another community of the street, read in another
    # chunk: on a grid all the same (三(四)2), whichever chunk reads the post
    first, *_rest, last = Community.objects.filter(street=a).order_by("code")
    worker = f.person(community=first)
    f.post(PostKind.GRID_WORKER, community=first, person=worker)
    Grid.objects.filter(pk=f.grid(last, households=500).pk).update(worker=worker)
    approved = f.station(a, Community.objects.filter(street=a).order_by("code")[1])
    for _ in range(4):
        f.post(PostKind.STATION_STAFF, station=approved)
    f.post(PostKind.STATION_STAFF, station=approved, approval_reference="兴组批〔2024〕3号")
    over = f.station(a, Community.objects.filter(street=a).order_by("code")[2])
    for _ in range(5):
        f.post(PostKind.STATION_STAFF, station=over, approval_reference="x")
    Post.objects.filter(approval_reference="x").update(approval_reference="")
    many = f.station(b)
    many.communities.add(*Community.objects.filter(street=b).order_by("code")[:2],
                         Community.objects.filter(street=a).order_by("code").first())
    f.station(b).communities.add(Community.objects.filter(street=b).order_by("code").first())  # served twice
    return streets


def users(streets):
    return [f.user(Role.DISTRICT_ADMIN), f.user(Role.STREET_STAFF, streets[0]), f.user(Role.STREET_STAFF, streets[1])]


def test_each_stream_gives_its_providers_findings_in_order_whatever_it_needs(world):
    assert len(registry.finding_streams) >= 4
    admin, clerk, _other = users(world)
    for user, street in ((admin, None), (admin, world[1]), (clerk, world[0])):
        for provider, stream in registry.finding_streams.items():
            full = provider(user=user, rules=RuleBook(on=ON), street_id=street and street.pk, community_id=None)
            for need in (None, 1, 5):
                streamed = stream(user=user, rules=RuleBook(on=ON), street_id=street and street.pk,
                                  community_id=None, need=need)
                # read whole: the same list; read in part: its first findings
                assert list(streamed) == full, (provider.__qualname__, need)
                if need:
                    head = stream(user=user, rules=RuleBook(on=ON), street_id=street and street.pk,
                                  community_id=None, need=need)
                    assert list(itertools.islice(head, need)) == full[:need]


def test_every_page_is_the_slice_of_the_whole_list_with_its_totals(world):
    admin, clerk, _other = users(world)
    for user, street_id, statuses in ((admin, None, ("",)), (admin, world[0].pk, ("", "open", "approved")),
                                      (clerk, None, ("",))):
        everything = findings_for(user=user, on=ON, street_id=street_id)
        for status in statuses:
            expected = sorted([x for x in everything if not status or x.approved == (status == "approved")],
                              key=lambda x: pinyin_key(x.street))
            for per_page in (9, 50):
                shown, number, pages = [], 1, 1
                while number <= pages:
                    page = findings_page(user=user, rules=RuleBook(on=ON), street_id=street_id, status=status,
                                         page=number, per_page=per_page, sort_key=pinyin_key,
                                         street_names=lambda ids: {s.pk: s.name for s in world if s.pk in ids})
                    shown += page.findings
                    pages, number = page.pages, number + 1
                    assert page.total == len(expected)
                    assert (page.open_count, page.approved_count) == (
                        sum(1 for x in everything if not x.approved), sum(1 for x in everything if x.approved))
                assert shown == expected, (user.username, street_id, status, per_page)
    # the data spans more than a page, several streets, open and approved findings
    everything = findings_for(user=f.user(Role.DISTRICT_ADMIN), on=ON)
    assert len(everything) > 50 and len({x.street_id for x in everything}) >= 3
    assert not any("专职网格员未分配网格" in x.message for x in everything)
    assert any(x.approved for x in everything) and any(x.rule == "service_station.communities_per_station"
                                                       for x in everything)


def test_a_stream_reads_its_units_chunk_by_chunk_only_as_far_as_it_is_read():
    street = f.street()
    for _ in range(40):
        f.community(street)
    communities = Community.objects.filter(street=street).order_by("code")
    chunks = []

    def build(chunk):  # one finding a unit
        chunks.append(len(chunk))
        return [(c.pk,) for c in chunk]

    # the whole list: one chunk
    assert list(in_chunks(communities, build)) == [(c.pk,) for c in communities] and chunks == [40]
    # the first 4 findings: the first 4 units read, then more only while the reader asks for more
    chunks.clear()
    stream = in_chunks(communities, build, need=4)
    assert list(itertools.islice(stream, 4)) == [(c.pk,) for c in communities[:4]] and chunks == [4]
    # a unit without findings makes the next chunk larger; the third chunk is the rest
    chunks.clear()
    sparse = list(in_chunks(communities, lambda chunk: (chunks.append(len(chunk)), [(c.pk,) for c in chunk[:1]])[1],
                            need=4))
    assert len(sparse) == len(chunks) <= 3 and sum(chunks) == 40 and chunks[0] == 4


def sparse(street, n):
    """n communities of `street`, every fifth without a secretary (one community finding each, 三(一)2)."""
    for index in range(n):
        community = f.community(street)
        if index % 5:
            f.post(PostKind.COMMUNITY_SECRETARY, community=community)


def test_a_page_of_a_streets_community_findings_builds_only_the_communities_that_hold_them(
        monkeypatch, django_assert_max_num_queries):
    import communities.findings as provider

    street, other = f.street(), f.street()
    sparse(street, 10)
    sparse(other, 10)
    clerk = f.user(Role.STREET_STAFF, street)
    built = []
    check = provider.community_breaches
    monkeypatch.setattr(provider, "community_breaches", lambda c, staffing, rules: built.append(c.pk) or check(
        c, staffing, rules))

    def page(user, need=8):
        rules = RuleBook(on=ON)
        list(provider.community_finding_stream(user=user, rules=rules, street_id=street.pk, need=1))  # warm: scope, rules
        rules.cache.clear()
        built.clear()
        # the communities with findings, those communities, their staffing (two)
        with django_assert_max_num_queries(4) as queries:
            found = list(itertools.islice(provider.community_finding_stream(
                user=user, rules=rules, street_id=street.pk, need=need), need))
        return found, len(queries.captured_queries)

    # 10 communities, 2 with a finding: those 2 built, not the 8 before and between them
    small, small_queries = page(clerk)
    assert len(small) == 2 and len(built) == 2
    # 50 communities, 10 with a finding: a page of 8 builds the 8 communities that hold them
    sparse(street, 40)
    large, large_queries = page(clerk)
    assert len(large) == 8 and len(built) == 8 and large_queries == small_queries
    everything = provider.community_findings(user=clerk, rules=RuleBook(on=ON), street_id=street.pk)
    assert large == everything[:8] and len(everything) == 10
    # another street's clerk: nothing of this street, whatever it asks for
    stranger = f.user(Role.STREET_STAFF, other)
    assert page(stranger) == ([], page(stranger)[1]) and built == []
    shown = findings_page(user=stranger, rules=RuleBook(on=ON), per_page=50)
    assert {x.street_id for x in shown.findings} == {other.pk} and shown.total == len(shown.findings)
    assert sum(1 for x in shown.findings if "未设书记" in x.message) == 2

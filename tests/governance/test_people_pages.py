"""The people roster (人员名册) of a street or community, and correcting a person's record."""

import pytest
from django.core.exceptions import ValidationError

from governance.models import Person, PostKind
from governance.roles import Role
from governance.services import person_update, post_end
from tests import factories as f

login = f.client_for


def street_person(street, **fields):
    return f.person(street=street, **fields)


@pytest.mark.django_db
def test_the_street_roster_lists_the_streets_people_with_their_current_posts():
    street, other = f.street(), f.street()
    deputy = f.post(PostKind.STREET_DEPUTY_DIRECTOR, street=street, person=street_person(street, name="王副主任",
                                                                                         is_party_member=True))
    f.post(PostKind.STREET_STAFF, street=street, staff_category="career", person=deputy.person)
    street_person(other, name="外街人员")
    client = login(f.user(Role.STREET_STAFF, street))

    response = client.get(f"/streets/{street.pk}/people/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "王副主任" in html and "街道办事处副主任" in html and "街道工作人员" in html
    assert "外街人员" not in html
    assert f"/people/{deputy.person.pk}/edit/" in html


@pytest.mark.django_db
def test_the_community_roster_lists_only_the_communitys_people():
    community = f.community()
    neighbour = f.community(community.street)
    f.person(community=community, street=community.street, name="本社区人员")
    f.person(community=neighbour, street=community.street, name="邻社区人员")
    client = login(f.user(Role.COMMUNITY_STAFF, community))

    html = client.get(f"/communities/{community.pk}/people/").content.decode()

    assert "本社区人员" in html and "邻社区人员" not in html


@pytest.mark.django_db
def test_the_roster_runs_in_a_constant_number_of_queries(django_assert_max_num_queries):
    street = f.street()
    client = login(f.user(Role.STREET_STAFF, street))

    def add_people(n):
        for _ in range(n):
            person = street_person(street, is_party_member=True)
            f.post(PostKind.STREET_STAFF, street=street, staff_category="career", person=person)

    add_people(2)
    client.get(f"/streets/{street.pk}/people/")  # warm the session and permission caches
    with django_assert_max_num_queries(12) as small:
        assert client.get(f"/streets/{street.pk}/people/").status_code == 200
    add_people(8)
    with django_assert_max_num_queries(12) as large:
        response = client.get(f"/streets/{street.pk}/people/")
    assert response.content.decode().count("/edit/") == 10
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.django_db
def test_a_clerk_corrects_a_persons_record_and_the_history_names_them():
    street = f.street()
    person = street_person(street, name="李四")
    clerk = f.user(Role.STREET_STAFF, street)
    client = login(clerk)
    assert client.get(f"/people/{person.pk}/edit/").status_code == 200

    response = client.post(f"/people/{person.pk}/edit/", {
        "name": "李思", "gender": "F", "phone": "13900000000", "is_party_member": "on",
        "community_service_start": "2015-06-01",
    })

    assert response.status_code == 302 and response["Location"] == f"/streets/{street.pk}/people/"
    person.refresh_from_db()
    assert (person.name, person.gender, person.is_party_member, str(person.community_service_start)) == (
        "李思", "F", True, "2015-06-01")
    assert person.street == street
    assert person.history.first().history_user == clerk


@pytest.mark.django_db
def test_an_invalid_edit_shows_the_error_and_changes_nothing():
    street = f.street()
    person = street_person(street, name="李四")
    history = person.history.count()
    client = login(f.user(Role.STREET_STAFF, street))

    response = client.post(f"/people/{person.pk}/edit/", {"name": "", "gender": "X"})

    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    person.refresh_from_db()
    assert person.name == "李四" and person.history.count() == history


@pytest.mark.django_db
def test_another_streets_clerk_gets_404_and_changes_nothing():
    a, b = f.street(), f.street()
    community = f.community(a)
    person = street_person(a, name="甲街人员")
    client = login(f.user(Role.STREET_STAFF, b))

    assert client.get(f"/streets/{a.pk}/people/").status_code == 404
    assert client.get(f"/communities/{community.pk}/people/").status_code == 404
    assert client.get(f"/people/{person.pk}/edit/").status_code == 404
    assert client.post(f"/people/{person.pk}/edit/", {"name": "被改名"}).status_code == 404
    assert client.get("/people/999999/edit/").status_code == 404
    person.refresh_from_db()
    assert person.name == "甲街人员" and not Person.objects.filter(name="被改名").exists()


@pytest.mark.django_db
def test_a_reviewer_reads_the_roster_but_cannot_edit():
    street = f.street()
    person = street_person(street, name="甲街人员")
    client = login(f.user(Role.ORGDEPT_REVIEWER))

    roster = client.get(f"/streets/{street.pk}/people/")
    assert roster.status_code == 200 and f"/people/{person.pk}/edit/" not in roster.content.decode()
    assert client.get(f"/people/{person.pk}/edit/").status_code == 403
    assert client.post(f"/people/{person.pk}/edit/", {"name": "被改名"}).status_code == 403
    person.refresh_from_db()
    assert person.name == "甲街人员"


@pytest.mark.django_db
def test_a_grid_worker_cannot_open_a_roster():
    community = f.community()
    client = login(f.user(Role.GRID_WORKER, f.grid(community)))
    assert client.get(f"/communities/{community.pk}/people/").status_code == 403


@pytest.mark.django_db
def test_the_street_and_community_pages_link_to_their_rosters():
    community = f.community()
    street = community.street
    client = login(f.user(Role.STREET_STAFF, street))

    assert f"/streets/{street.pk}/people/" in client.get(f"/streets/{street.pk}/").content.decode()
    assert f"/communities/{community.pk}/people/" in client.get(f"/communities/{community.pk}/").content.decode()


@pytest.mark.django_db
def test_the_edit_page_goes_back_only_to_a_local_page():
    street = f.street()
    person = street_person(street)
    client = login(f.user(Role.STREET_STAFF, street))

    response = client.post(f"/people/{person.pk}/edit/?next=https://evil.example/", {"name": "新名字"})

    assert response.status_code == 302 and response["Location"] == f"/streets/{street.pk}/people/"


@pytest.mark.django_db
def test_a_sitting_npc_member_keeps_the_npc_deputy_flag_until_the_post_ends():
    street = f.street()
    member = f.post(PostKind.NPC_MEMBER, street=street, person=f.person(is_npc_deputy=True, street=street))

    with pytest.raises(ValidationError) as exc:
        person_update(person=member.person, acting_user=None, is_npc_deputy=False)
    assert "二(二)2" in str(exc.value)
    member.person.refresh_from_db()
    assert member.person.is_npc_deputy

    post_end(post=member, acting_user=None, end_date=member.start_date)
    person_update(person=member.person, acting_user=None, is_npc_deputy=False)
    member.person.refresh_from_db()
    assert not member.person.is_npc_deputy


@pytest.mark.django_db
def test_a_party_post_holder_keeps_the_party_member_flag():
    community = f.community()
    secretary = f.post(PostKind.COMMUNITY_SECRETARY, community=community)

    with pytest.raises(ValidationError) as exc:
        person_update(person=secretary.person, acting_user=None, is_party_member=False, phone="123")
    assert "三(一)2" in str(exc.value)
    secretary.person.refresh_from_db()
    assert secretary.person.is_party_member and secretary.person.phone == ""


@pytest.mark.django_db
def test_the_roster_pages_fifty_people_and_finds_by_name():
    street = f.street()
    for n in range(55):
        f.person(street=street, name=f"王{n:02d}")
    f.person(street=street, name="马建华")
    client = login(f.user(Role.STREET_STAFF, street))

    first = client.get(f"/streets/{street.pk}/people/")
    second = client.get(f"/streets/{street.pk}/people/?page=2")
    found = client.get(f"/streets/{street.pk}/people/?q=建华")

    assert len(first.context["people"]) == 50 and len(second.context["people"]) == 6
    assert [p.name for p in found.context["people"]] == ["马建华"]


@pytest.mark.django_db
def test_the_roster_pages_read_a_page_of_names_in_pinyin_order():
    # Names shared by several people straddle the page boundary: every page is the pinyin order's next 50 people
    # (a name's people by pk), read without the whole street, and the count is exact.
    from governance.sorting import by_pinyin

    street = f.street()
    people = [f.person(street=street, name=name) for _ in range(13) for name in ("王明", "陈明", "李明", "Anna", "张三")]
    f.person(street=f.street(), name="陈明")  # another street's
    client = login(f.user(Role.STREET_STAFF, street))
    expected = [p.pk for p in by_pinyin(sorted(people, key=lambda p: p.pk))]

    pages = [client.get(f"/streets/{street.pk}/people/?page={n}").context["people"] for n in (1, 2)]
    everything = client.get(f"/streets/{street.pk}/people/?all=1").context["people"]

    assert [p.pk for page in pages for p in page] == expected == [p.pk for p in everything]
    assert [len(page) for page in pages] == [50, 15] and pages[0].paginator.count == 65
    assert client.get(f"/streets/{street.pk}/people/?q=明&page=2").context["people"].paginator.count == 39

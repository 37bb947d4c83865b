"""Street rules at their boundaries (二(二)1, 二(二)2, 二(三))."""

import pytest
from django.core.exceptions import ValidationError

from governance.exceptions import RuleViolation
from governance.models import Post, PostKind, StaffCategory
from streets.models import DEFAULT_OFFICE_DUTIES, StreetOffice
from streets.selectors import street_staffing
from tests import factories as f

pytestmark = pytest.mark.django_db

COUNTED = [StaffCategory.ADMINISTRATIVE, StaffCategory.CAREER, StaffCategory.PUBLIC_POST,
           StaffCategory.SANZHI_YIFU, StaffCategory.POLICY_PLACEMENT, StaffCategory.CONTRACT]


def staff_count(street):
    return street_staffing(street_ids=[street.pk], on=f.START)[street.pk].staff_count


def leadership(street):
    """Two principals and four deputies: the full 2 + 4 of 二(二)2."""
    secretary = f.post(PostKind.STREET_PARTY_SECRETARY, street=street).person
    director = f.post(PostKind.STREET_DIRECTOR, street=street).person
    deputies = [f.post(kind, street=street).person for kind in (
        PostKind.STREET_DEPUTY_SECRETARY, PostKind.STREET_DEPUTY_SECRETARY,
        PostKind.STREET_DEPUTY_DIRECTOR, PostKind.STREET_DEPUTY_DIRECTOR)]
    return secretary, director, deputies


# --- staff cap: 30 people (二(二)1) ---

@pytest.mark.parametrize("category", COUNTED)
def test_counted_categories_count_toward_the_cap(category):
    # given a street with 29 counted staff
    street = f.street()
    f.street_staff(street, 29)
    # when the 30th person joins in a counted category
    f.post(PostKind.STREET_STAFF, street=street, staff_category=category)
    # then they are accepted and counted: exactly at the cap
    assert staff_count(street) == 30


def test_thirty_first_counted_person_is_refused_naming_the_clause():
    # given a street at the cap of 30
    street = f.street()
    f.street_staff(street, 30)
    before = Post.objects.count()
    # when a 31st counted person is added without an approval
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.STREET_STAFF, street=street, staff_category=StaffCategory.PUBLIC_POST)
    # then it is refused, citing 二(二)1, and nothing was written
    assert exc.value.clause == "二(二)1"
    assert exc.value.rule == "street.staff_cap"
    assert "二(二)1" in exc.value.text
    assert Post.objects.count() == before
    assert staff_count(street) == 30


def test_thirty_first_person_with_an_approval_reference_is_accepted_and_audited():
    # given a street at the cap
    street = f.street()
    f.street_staff(street, 30)
    # when the 31st person is added with an approval reference
    post = f.post(PostKind.STREET_STAFF, street=street, staff_category=StaffCategory.SANZHI_YIFU,
                  approval_reference="兴编发〔2019〕12号")
    # then it is accepted and the reference is kept in the post's history
    assert staff_count(street) == 31
    assert post.history.count() == 1
    assert post.history.first().approval_reference == "兴编发〔2019〕12号"


@pytest.mark.parametrize("category", [StaffCategory.LAW_ENFORCEMENT, StaffCategory.STATION])
def test_law_enforcement_and_station_staff_do_not_count(category):
    # given a street at the cap
    street = f.street()
    f.street_staff(street, 30)
    # when law-enforcement or station staff join
    f.street_staff(street, 3, category=category)
    # then they are accepted and the count stays at 30
    assert staff_count(street) == 30


def test_seconded_staff_need_an_approval_and_then_do_not_count():
    # given a street at the cap
    street = f.street()
    f.street_staff(street, 30)
    # when a seconded person joins as staff: not a secondment 二(二)2 names, so refused without an approval
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.STREET_STAFF, street=street, staff_category=StaffCategory.ADMINISTRATIVE, is_secondment=True,
               seconded_from="区财政局")
    assert exc.value.rule == "street.seconded_leaders"
    # with one, accepted and not counted
    f.post(PostKind.STREET_STAFF, street=street, staff_category=StaffCategory.ADMINISTRATIVE, is_secondment=True,
           seconded_from="区财政局", approval_reference="兴组批〔2024〕8号")
    assert staff_count(street) == 30


def test_one_person_with_two_posts_counts_once():
    # given a street at the cap, one of whose staff is the organisation member too
    street = f.street()
    posts = f.street_staff(street, 30)
    # when that person takes a second post on the street
    f.post(PostKind.ORGANISATION_MEMBER, street=street, person=posts[0].person, staff_category=StaffCategory.CAREER)
    # then it is accepted and they still count once
    assert staff_count(street) == 30


def test_staff_post_without_a_category_is_refused():
    street = f.street()
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.STREET_STAFF, street=street)
    assert (exc.value.rule, exc.value.clause, exc.value.field) == ("street.staff_cap", "二(二)1", "staff_category")
    assert not Post.objects.filter(street=street).exists()


# --- leadership: 2 principal + 4 deputy, seconded not counted (二(二)2) ---

def test_full_leadership_of_two_plus_four_is_accepted():
    street = f.street()
    leadership(street)
    s = street_staffing(street_ids=[street.pk], on=f.START)[street.pk]
    assert (s.principal_count, s.deputy_count) == (2, 4)


def test_fifth_deputy_is_refused_naming_the_clause():
    # given a street with 2 principals and 4 deputies
    street = f.street()
    leadership(street)
    before = Post.objects.count()
    # when a fifth deputy is added
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.STREET_DEPUTY_DIRECTOR, street=street)
    # then it is refused citing 二(二)2 and nothing is written
    assert (exc.value.rule, exc.value.clause) == ("street.leadership_posts", "二(二)2")
    assert Post.objects.count() == before


def test_fifth_deputy_with_an_approval_reference_is_accepted():
    street = f.street()
    leadership(street)
    post = f.post(PostKind.STREET_DEPUTY_DIRECTOR, street=street, approval_reference="兴党干〔2019〕3号")
    assert post.history.first().approval_reference == "兴党干〔2019〕3号"


def test_third_principal_is_refused():
    street = f.street()
    leadership(street)
    # the unique constraint allows one sitting director; a third principal cannot be added as such
    with pytest.raises(ValidationError):
        f.post(PostKind.STREET_DIRECTOR, street=street)


def test_seconded_deputy_is_accepted_and_not_counted():
    # given a full leadership
    street = f.street()
    leadership(street)
    # when the police-station head is seconded as deputy secretary
    f.post(PostKind.STREET_DEPUTY_SECRETARY, street=street, is_secondment=True, seconded_from="派出所所长",
           secondment_role="police_station_head")
    # then it is accepted and the deputies stay at 4
    s = street_staffing(street_ids=[street.pk], on=f.START)[street.pk]
    assert s.deputy_count == 4
    assert len(s.seconded_leaders) == 1


def test_person_holding_principal_and_deputy_posts_counts_once():
    # given a full leadership
    street = f.street()
    secretary, _, _ = leadership(street)
    # when the party secretary also takes a deputy director post (交叉任职)
    f.post(PostKind.STREET_DEPUTY_DIRECTOR, street=street, person=secretary)
    # then they count once, as a principal
    s = street_staffing(street_ids=[street.pk], on=f.START)[street.pk]
    assert (s.principal_count, s.deputy_count, s.leadership_count) == (2, 4, 6)


# --- NPC working committee (二(二)2) ---

def test_npc_member_who_is_not_an_npc_deputy_is_refused():
    street = f.street()
    person = f.person(is_npc_deputy=False)
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.NPC_MEMBER, street=street, person=person)
    assert (exc.value.rule, exc.value.clause) == ("street.npc_committee", "二(二)2")
    assert "person" in exc.value.message_dict
    assert not Post.objects.filter(street=street).exists()


def test_npc_member_who_is_an_npc_deputy_is_accepted():
    street = f.street()
    f.post(PostKind.NPC_MEMBER, street=street, person=f.person(is_npc_deputy=True))
    assert Post.objects.filter(street=street, kind=PostKind.NPC_MEMBER).count() == 1


def test_fourth_npc_member_is_refused():
    # given three NPC members (the maximum)
    street = f.street()
    for _ in range(3):
        f.post(PostKind.NPC_MEMBER, street=street, person=f.person(is_npc_deputy=True))
    # when a fourth is added
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.NPC_MEMBER, street=street, person=f.person(is_npc_deputy=True))
    # then it is refused citing 二(二)2
    assert exc.value.clause == "二(二)2"
    assert Post.objects.filter(street=street, kind=PostKind.NPC_MEMBER).count() == 3


def test_npc_director_must_be_the_party_secretary():
    # given a street with a party secretary
    street = f.street()
    secretary = f.post(PostKind.STREET_PARTY_SECRETARY, street=street).person
    # when someone else is made NPC director, it is refused
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.NPC_DIRECTOR, street=street)
    assert exc.value.clause == "二(二)2"
    # and the party secretary is accepted
    f.post(PostKind.NPC_DIRECTOR, street=street, person=secretary)
    assert Post.objects.filter(street=street, kind=PostKind.NPC_DIRECTOR).get().person == secretary


# --- organisation member (二(二)2) ---

def test_second_organisation_member_is_refused():
    street = f.street()
    f.post(PostKind.ORGANISATION_MEMBER, street=street, staff_category=StaffCategory.CAREER)
    with pytest.raises(RuleViolation) as exc:
        f.post(PostKind.ORGANISATION_MEMBER, street=street, staff_category=StaffCategory.CAREER)
    assert (exc.value.rule, exc.value.clause) == ("street.organisation_members", "二(二)2")
    assert Post.objects.filter(street=street, kind=PostKind.ORGANISATION_MEMBER).count() == 1


# --- four offices one centre (二(三)) ---

def test_street_create_creates_the_five_offices_with_default_duties():
    street = f.street()
    offices = {o.kind: o.duties for o in StreetOffice.objects.filter(street=street)}
    assert offices == {kind: duties for kind, duties in DEFAULT_OFFICE_DUTIES.items()}
    assert len(offices) == 5

"""Appointing and ending posts from the street and community pages."""

import datetime

import pytest
from django.utils import timezone

from governance.models import Person, Post, PostKind
from governance.roles import Role
from tests import factories as f

login = f.client_for


@pytest.mark.django_db
def test_street_staff_appoint_a_new_person_from_the_street_page():
    street = f.street()
    client = login(f.user(Role.STREET_STAFF, street))

    response = client.post(f"/streets/{street.pk}/posts/new/", {
        "new_person_name": "马建华", "kind": PostKind.STREET_STAFF, "staff_category": "public_post",
        "start_date": "2024-03-01",
    })

    assert response.status_code == 302 and response["Location"] == f"/streets/{street.pk}/"
    post = Post.objects.get(person__name="马建华")
    assert (post.street, post.kind, post.staff_category) == (street, PostKind.STREET_STAFF, "public_post")
    assert post.person.street == street


@pytest.mark.django_db
def test_a_cap_breaking_appointment_shows_the_rule_and_writes_nothing():
    street = f.street()
    f.street_staff(street, 30)
    client = login(f.user(Role.STREET_STAFF, street))
    people, posts = Person.objects.count(), Post.objects.count()

    response = client.post(f"/streets/{street.pk}/posts/new/", {
        "new_person_name": "超编人员", "kind": PostKind.STREET_STAFF, "staff_category": "sanzhi_yifu",
        "start_date": "2024-03-01",
    })

    assert response.status_code == 200
    assert "二(二)1" in response.content.decode()
    assert (Person.objects.count(), Post.objects.count()) == (people, posts)

    response = client.post(f"/streets/{street.pk}/posts/new/", {
        "new_person_name": "超编人员", "kind": PostKind.STREET_STAFF, "staff_category": "sanzhi_yifu",
        "start_date": "2024-03-01", "approval_reference": "兴编发〔2024〕3号",
    })
    assert response.status_code == 302
    assert Post.objects.get(person__name="超编人员").history.first().approval_reference == "兴编发〔2024〕3号"


@pytest.mark.django_db
def test_another_streets_staff_cannot_appoint_or_end_posts_there():
    a, b = f.street(), f.street()
    post = f.post(PostKind.STREET_STAFF, street=a, staff_category="career")
    client = login(f.user(Role.STREET_STAFF, b))

    assert client.get(f"/streets/{a.pk}/posts/new/").status_code == 404
    assert client.post(f"/streets/{a.pk}/posts/new/", {"new_person_name": "某人", "kind": PostKind.STREET_STAFF,
                                                        "staff_category": "career", "start_date": "2024-03-01"}).status_code == 404
    assert client.post(f"/posts/{post.pk}/end/").status_code == 404
    post.refresh_from_db()
    assert post.end_date is None and not Person.objects.filter(name="某人").exists()


@pytest.mark.django_db
def test_ending_a_post_from_the_community_page_frees_the_secretary_seat():
    community = f.community()
    secretary = f.post(PostKind.COMMUNITY_SECRETARY, community=community)
    client = login(f.user(Role.COMMUNITY_STAFF, community))

    response = client.post(f"/posts/{secretary.pk}/end/", {"end_date": secretary.start_date.isoformat(), "reason": "换届"})

    assert response.status_code == 302 and response["Location"] == f"/communities/{community.pk}/"
    secretary.refresh_from_db()
    assert secretary.end_date is not None
    newcomer = f.person(is_party_member=True, community=community)
    response = client.post(f"/communities/{community.pk}/posts/new/", {
        "person": newcomer.pk, "kind": PostKind.COMMUNITY_SECRETARY,
        "start_date": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
    })
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_read_only_reviewer_cannot_open_the_appointment_form():
    street = f.street()
    client = login(f.user(Role.ORGDEPT_REVIEWER))
    assert client.get(f"/streets/{street.pk}/posts/new/").status_code == 403


@pytest.mark.django_db
def test_a_street_clerk_cannot_create_a_person_outside_any_street(api_for):
    street = f.street()
    client = api_for(f.user(Role.STREET_STAFF, street))

    response = client.post("/api/v1/people/", {"name": "无归属"}, format="json")

    assert response.status_code == 400 and "street" in response.json()
    assert not Person.objects.filter(name="无归属").exists()
    assert client.post("/api/v1/people/", {"name": "有归属", "street": street.pk}, format="json").status_code == 201

"""离任 from a street's or community's page: a date and a reason, kept in the history, back to that page."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.models import PostKind
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_page_url_is_not_the_api_action_and_the_street_page_links_to_it():
    street = f.street()
    post = f.post(PostKind.STREET_STAFF, street=street, staff_category="career")
    page = reverse("post-end-page", args=[post.pk])
    assert page == f"/posts/{post.pk}/end/" and reverse("post-end", args=[post.pk]) == f"/api/v1/posts/{post.pk}/end/"

    html = login(f.user(Role.STREET_STAFF, street)).get(f"/streets/{street.pk}/").content.decode()

    assert f'href="{page}?next=/streets/{street.pk}/"' in html
    assert "/api/v1/posts/" not in html


def test_street_staff_end_a_post_with_a_date_and_reason_and_return_to_the_street_page():
    street = f.street()
    post = f.post(PostKind.STREET_STAFF, street=street, staff_category="career", start_date=datetime.date(2020, 5, 1))
    client = login(f.user(Role.STREET_STAFF, street))

    form = client.get(f"/posts/{post.pk}/end/?next=/streets/{street.pk}/")
    assert form.status_code == 200
    assert f'value="{timezone.localdate().isoformat()}"' in form.content.decode()  # today by default

    response = client.post(f"/posts/{post.pk}/end/", {"end_date": "2024-06-30", "reason": "调任区民政局",
                                                     "next": f"/streets/{street.pk}/"}, follow=True)

    assert response.redirect_chain == [(f"/streets/{street.pk}/", 302)]
    assert f"{post.person.name} 已离任" in response.content.decode() and "2024-06-30" in response.content.decode()
    post.refresh_from_db()
    assert post.end_date == datetime.date(2024, 6, 30)
    latest = post.history.first()
    assert latest.history_change_reason == "调任区民政局" and latest.history_user.username.startswith("street_staff")


def test_community_staff_end_the_posts_of_their_community_from_its_page():
    community = f.community()
    worker = f.post(PostKind.GRID_WORKER, community=community)
    client = login(f.user(Role.COMMUNITY_STAFF, community))

    html = client.get(f"/communities/{community.pk}/").content.decode()
    assert f"/posts/{worker.pk}/end/?next=/communities/{community.pk}/" in html

    response = client.post(f"/posts/{worker.pk}/end/", {"end_date": timezone.localdate().isoformat(), "reason": "辞职"})

    assert response.status_code == 302 and response["Location"] == f"/communities/{community.pk}/"
    worker.refresh_from_db()
    assert worker.end_date == timezone.localdate()


@pytest.mark.parametrize("end_date, reason, message", [
    ("2019-12-31", "调任", "离任日期不能早于任职日期（2020-05-01）"),
    ("2999-01-01", "调任", "离任日期不能晚于今天"),
    ("abc", "调任", "输入一个有效的日期"),
    ("2024-06-30", "", "该字段是必填项"),
])
def test_an_impossible_end_date_or_no_reason_is_refused_with_a_message_and_nothing_changes(end_date, reason, message):
    street = f.street()
    post = f.post(PostKind.STREET_STAFF, street=street, staff_category="career", start_date=datetime.date(2020, 5, 1))
    client = login(f.user(Role.STREET_STAFF, street))

    response = client.post(f"/posts/{post.pk}/end/", {"end_date": end_date, "reason": reason})

    assert response.status_code == 200 and message in response.content.decode()
    post.refresh_from_db()
    assert post.end_date is None


def test_another_communitys_staff_cannot_end_the_post_and_nothing_changes():
    mine, theirs = f.community(), f.community()
    post = f.post(PostKind.GRID_WORKER, community=theirs)
    client = login(f.user(Role.COMMUNITY_STAFF, mine))

    assert client.get(f"/posts/{post.pk}/end/").status_code == 404
    assert client.post(f"/posts/{post.pk}/end/", {"end_date": "2024-06-30", "reason": "x"}).status_code == 404
    post.refresh_from_db()
    assert post.end_date is None


def test_next_outside_the_site_is_ignored():
    community = f.community()
    post = f.post(PostKind.GRID_WORKER, community=community)
    client = login(f.user(Role.COMMUNITY_STAFF, community))
    response = client.post(f"/posts/{post.pk}/end/", {"end_date": timezone.localdate().isoformat(), "reason": "辞职",
                                                     "next": "https://evil.example/"})
    assert response["Location"] == f"/communities/{community.pk}/"


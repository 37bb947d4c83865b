"""A write dated before the first version of a rule it needs is refused, naming the rule: never a 500."""

import pytest
from django.test import Client

from governance.models import PostKind
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("start", ["1900-01-01", "2017-12-31"])
def test_an_appointment_before_the_rules_first_version_is_a_form_error_naming_the_rule(start):
    street = f.street()
    client = login(f.user(Role.STREET_STAFF, street))
    response = client.post(f"/streets/{street.pk}/posts/new/", {
        "new_person_name": "早到者", "kind": PostKind.STREET_STAFF, "staff_category": "career", "start_date": start})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{start} 没有生效的政策规则“街道工作人员上限”" in html and "二(二)1" in html


def test_the_api_answers_400_for_an_appointment_before_the_rules(api_for):
    street = f.street()
    person = f.person(street=street)
    response = api_for(f.user(Role.STREET_STAFF, street)).post("/api/v1/posts/", {
        "person": person.pk, "street": street.pk, "kind": PostKind.STREET_STAFF, "staff_category": "career",
        "start_date": "1900-01-01"}, format="json")
    assert response.status_code == 400 and "没有生效的政策规则" in str(response.json())


@pytest.mark.parametrize("day, message", [("2999-01-01", "不能晚于今天"), ("1900-01-01", "不能早于 1949-10-01")])
def test_a_community_service_start_that_cannot_be_true_is_refused(day, message):
    street = f.street()
    person = f.person(name="张三", street=street)
    client = login(f.user(Role.STREET_STAFF, street))
    response = client.post(f"/people/{person.pk}/edit/", {"name": "张三", "community_service_start": day})
    assert response.status_code == 200 and message in response.content.decode()
    person.refresh_from_db()
    assert person.community_service_start is None


def test_a_start_date_more_than_a_year_ahead_is_refused_on_the_page_and_in_the_api(api_for):
    street = f.street()
    clerk = f.user(Role.STREET_STAFF, street)
    response = login(clerk).post(f"/streets/{street.pk}/posts/new/", {
        "new_person_name": "未来人", "kind": PostKind.STREET_STAFF, "staff_category": "career", "start_date": "2999-01-01"})
    assert response.status_code == 200 and "任职日期不能晚于" in response.content.decode()
    person = f.person(street=street)
    api = api_for(clerk).post("/api/v1/posts/", {"person": person.pk, "street": street.pk, "kind": PostKind.STREET_STAFF,
                                                 "staff_category": "career", "start_date": "2999-01-01"}, format="json")
    assert api.status_code == 400 and "start_date" in api.json()
    from governance.models import Post
    assert not Post.objects.filter(street=street).exists()

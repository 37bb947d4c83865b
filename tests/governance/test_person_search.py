"""The appointment form's person picker: scoped search as you type, namesakes told apart."""

import pytest
from django.test import Client

from governance.models import PostKind
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def login(role, unit=None):
    client = Client()
    client.force_login(f.user(role, unit))
    return client


def test_namesakes_are_told_apart_and_other_streets_people_never_appear(two_streets):
    a, ca = two_streets["a"], two_streets["ca"]
    one = f.person(name="陈建华", street=a, community=ca, gender="F", phone="13995001234")
    f.post(PostKind.GRID_WORKER, community=ca, person=one)
    f.person(name="陈建华", street=a, gender="M", phone="13995005678")
    f.person(name="陈建华", street=two_streets["b"])  # another street's namesake

    data = login(Role.STREET_STAFF, a).get(f"/streets/{a.pk}/people/search/", {"q": "建华"}).json()

    assert data["count"] == 2
    labels = sorted(row["label"] for row in data["results"])
    assert labels == ["陈建华（甲一社区，女，专职网格员，电话尾号 1234）", "陈建华（甲街，男，电话尾号 5678）"]


def test_results_come_in_pinyin_order_and_the_form_carries_the_picker(two_streets):
    a = two_streets["a"]
    for name in ("王芳", "陈明", "李强"):
        f.person(name=name, street=a)
    client = login(Role.STREET_STAFF, a)
    assert [r["label"].split("（")[0] for r in client.get(f"/streets/{a.pk}/people/search/").json()["results"]] == \
        ["陈明", "李强", "王芳"]
    html = client.get(f"/streets/{a.pk}/posts/new/").content.decode()
    assert f'data-url="/streets/{a.pk}/people/search/"' in html and "/static/js/person-picker.js" in html


def test_another_street_and_read_only_roles_cannot_search(two_streets):
    assert login(Role.STREET_STAFF, two_streets["b"]).get(f"/streets/{two_streets['a'].pk}/people/search/").status_code == 404
    assert login(Role.ORGDEPT_REVIEWER).get(f"/streets/{two_streets['a'].pk}/people/search/").status_code == 403


@pytest.mark.parametrize("n", [3, 40])
def test_search_runs_a_constant_number_of_queries(django_assert_max_num_queries, two_streets, n):
    a = two_streets["a"]
    for i in range(n):
        f.post(PostKind.STREET_STAFF, street=a, staff_category="career", person=f.person(name=f"测{i}", street=a)) \
            if i < 25 else f.person(name=f"测{i}", street=a)
    client = login(Role.STREET_STAFF, a)
    with django_assert_max_num_queries(10):
        assert client.get(f"/streets/{a.pk}/people/search/", {"q": "测"}).status_code == 200

"""A person's ID number (GB 11643): validated, one record per number, the birth year read from it, masked
for the roles that must not read it; the picker tells namesakes apart by it and creates a new person."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from governance import services
from governance.audit_trail import AuditFilters, audit_page
from governance.identity import id_number_check_digit
from governance.models import Person, PostKind
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def id_number(born: str, serial: str = "123") -> str:
    first17 = f"640104{born}{serial}"
    return first17 + id_number_check_digit(first17)


def login(role, unit=None):
    client = Client()
    client.force_login(f.user(role, unit))
    return client


def test_a_valid_number_is_kept_upper_case_and_gives_the_birth_year():
    # a serial whose check character is X, typed in lower case with spaces around
    x_number = next(n for n in (id_number("19850312", f"{i:03d}") for i in range(1000)) if n.endswith("X"))
    person = services.person_create(acting_user=None, name="王芳", id_number=" " + x_number.lower() + " ")
    person.refresh_from_db()
    assert person.id_number == x_number and person.birth_year == 1985
    assert f.person(name="李强").birth_year is None


def test_a_wrong_check_digit_is_refused_on_the_field_and_nothing_is_written():
    good = id_number("19850312")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as refused:
        services.person_create(acting_user=None, name="王芳", id_number=bad)
    assert refused.value.message_dict["id_number"] == ["身份证号码校验位不正确（GB 11643），请核对后重新输入。"]
    assert not Person.objects.filter(name="王芳").exists()


def test_the_same_number_twice_is_refused_without_naming_the_other_record(two_streets):
    number = id_number("19790101")
    f.person(name="陈明", street=two_streets["b"], id_number=number)
    with pytest.raises(ValidationError) as refused:
        services.person_create(acting_user=None, name="陈明", street=two_streets["a"], id_number=number)
    assert refused.value.message_dict["id_number"] == ["该身份证号码已有人员档案（可能属于其他单位），请核对或在已有人员中查找。"]
    other = f.person(name="陈明", street=two_streets["a"])
    with pytest.raises(ValidationError):
        services.person_update(person=other, acting_user=None, id_number=number.lower())
    assert Person.objects.filter(id_number=number).count() == 1
    # Many people without a number are no duplicate
    f.person(name="甲"), f.person(name="乙")


def test_the_api_masks_the_number_for_read_only_roles(two_streets, api):
    a = two_streets["a"]
    number = id_number("19850312")
    person = f.person(name="王芳", street=a, id_number=number)
    for role, unit, shown in [(Role.STREET_STAFF, a, number), (Role.DISTRICT_ADMIN, None, number),
                              (Role.ORGDEPT_REVIEWER, None, f"{number[:3]}{'*' * 11}{number[-4:]}")]:
        api.force_authenticate(f.user(role, unit))
        body = api.get(f"/api/v1/people/{person.pk}/").json()
        assert (body["id_number"], body["birth_year"]) == (shown, 1985), role
        listed = {row["id"]: row for row in api.get("/api/v1/people/").json()["results"]}
        assert listed[person.pk]["id_number"] == shown, role


def test_the_api_refuses_a_bad_number_with_400(two_streets, api):
    api.force_authenticate(f.user(Role.STREET_STAFF, two_streets["a"]))
    response = api.post("/api/v1/people/", {"name": "王芳", "street": two_streets["a"].pk, "id_number": "640104198503121234"},
                        format="json")
    assert response.status_code == 400
    assert response.json()["id_number"] == ["身份证号码校验位不正确（GB 11643），请核对后重新输入。"]
    assert not Person.objects.filter(name="王芳").exists()


def test_the_audit_trail_shows_the_number_changed_but_masked(two_streets):
    number = id_number("19850312")
    person = f.person(name="王芳", street=two_streets["a"])
    services.person_update(person=person, acting_user=None, id_number=number)
    entry = audit_page(AuditFilters(model="governance.Person", action="~"), offset=0)[0]
    assert ("身份证号码", "", f"{number[:3]}{'*' * 11}{number[-4:]}") in entry.changes
    assert number not in str(entry.changes)


def test_the_picker_tells_namesakes_apart_by_birth_year_and_id_last_four(two_streets):
    a = two_streets["a"]
    one, two = id_number("19850312", "123"), id_number("19920704", "456")
    f.person(name="马建华", street=a, gender="M", id_number=one)
    f.person(name="马建华", street=a, gender="M", id_number=two)
    labels = sorted(r["label"] for r in login(Role.STREET_STAFF, a).get(f"/streets/{a.pk}/people/search/",
                                                                         {"q": "马建华"}).json()["results"])
    assert labels == [f"马建华（甲街，男，1985年生，身份证尾号 {one[-4:]}）",
                      f"马建华（甲街，男，1992年生，身份证尾号 {two[-4:]}）"]


# --- creating a person from the picker -----------------------------------------------------------------

def _new(client, url, **fields):
    return client.post(url, {f"new-{k}": v for k, v in fields.items()})


def test_a_new_person_is_created_in_the_unit_and_answered_with_its_label(two_streets):
    ca = two_streets["ca"]
    number = id_number("19900101")
    response = _new(login(Role.COMMUNITY_STAFF, ca), f"/communities/{ca.pk}/people/new/",
                    name="马建华", gender="F", phone="13995001234", id_number=number)
    assert response.status_code == 201
    person = Person.objects.get(pk=response.json()["id"])
    assert (person.community, person.street, person.gender, person.phone, person.id_number) == \
        (ca, two_streets["a"], "F", "13995001234", number)
    assert response.json()["label"] == f"马建华（甲一社区，女，1990年生，身份证尾号 {number[-4:]}，电话尾号 1234）"
    assert person.history.get().history_type == "+"


def test_a_new_person_from_a_station_or_grid_belongs_to_its_street_or_community(two_streets):
    a, ca = two_streets["a"], two_streets["ca"]
    station = f.station(a, ca)
    response = _new(login(Role.STREET_STAFF, a), f"/stations/{station.pk}/people/new/", name="李强", gender="M",
                    phone="13995005678")
    assert response.status_code == 201
    person = Person.objects.get(pk=response.json()["id"])
    assert (person.street, person.community) == (a, None)


def test_errors_come_back_by_field_and_nothing_is_written(two_streets):
    a = two_streets["a"]
    taken = id_number("19790101")
    f.person(name="陈明", street=two_streets["b"], id_number=taken)
    client = login(Role.STREET_STAFF, a)
    url = f"/streets/{a.pk}/people/new/"
    response = _new(client, url, name="", gender="", phone="123", id_number="64010419790101123")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"name", "gender", "phone", "id_number"}
    assert errors["phone"] == ["请输入11位手机号码或带区号的固定电话（如 0951-6012345）。"]
    response = _new(client, url, name="陈明", gender="M", phone="13995001234", id_number=taken)
    assert response.status_code == 400
    assert response.json()["errors"]["id_number"] == ["该身份证号码已有人员档案（可能属于其他单位），请核对或在已有人员中查找。"]
    assert not Person.objects.filter(street=a).exists()


def test_another_street_read_only_roles_and_get_cannot_create(two_streets):
    a = two_streets["a"]
    url = f"/streets/{a.pk}/people/new/"
    fields = {"name": "王芳", "gender": "F", "phone": "13995001234"}
    assert _new(login(Role.STREET_STAFF, two_streets["b"]), url, **fields).status_code == 404
    assert _new(login(Role.ORGDEPT_REVIEWER), url, **fields).status_code == 403
    assert login(Role.STREET_STAFF, a).get(url).status_code == 405
    assert not Person.objects.filter(name="王芳").exists()


def test_the_appointment_form_carries_the_new_person_form_for_those_who_may_add(two_streets):
    a = two_streets["a"]
    html = login(Role.STREET_STAFF, a).get(f"/streets/{a.pk}/posts/new/").content.decode()
    assert f'data-url="/streets/{a.pk}/people/new/"' in html
    assert 'name="new-gender"' in html and 'name="new-id_number"' in html
    f.post(PostKind.STREET_STAFF, street=a, staff_category="career")  # the page still renders with people

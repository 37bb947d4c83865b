"""The admin applies the same rules as the pages and the API, as form errors (never a 500)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from governance.models import PostKind
from streets.models import StreetOffice
from tests import factories as f


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-Secret-2018"))
    return client


def _person_form(person, **changes):
    data = {"name": person.name, "gender": person.gender, "phone": person.phone,
            "street": person.street_id or "", "community": person.community_id or "",
            "is_party_member": "on" if person.is_party_member else "",
            "is_npc_deputy": "on" if person.is_npc_deputy else "",
            "community_service_start": "", "has_violation_record": "", "user": "",
            "posts-TOTAL_FORMS": "0", "posts-INITIAL_FORMS": "0"}
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_unticking_npc_deputy_of_a_sitting_member_is_a_form_error(admin_client):
    street = f.street()
    member = f.post(PostKind.NPC_MEMBER, street=street, person=f.person(is_npc_deputy=True, street=street))

    response = admin_client.post(f"/admin/governance/person/{member.person.pk}/change/",
                                 _person_form(member.person, is_npc_deputy=""))

    assert response.status_code == 200 and "请先办理离任" in response.content.decode()
    member.person.refresh_from_db()
    assert member.person.is_npc_deputy


def test_an_office_head_who_is_not_a_deputy_is_a_form_error(admin_client):
    street = f.street()
    staff = f.post(PostKind.STREET_STAFF, street=street, staff_category="career").person
    offices = list(street.offices.order_by("kind"))
    data = {"code": street.code, "name": street.name, "administrative_posts": "0", "career_posts": "0",
            "extra_career_post_granted": "on", "district": street.district_id,
            "offices-TOTAL_FORMS": "5", "offices-INITIAL_FORMS": "5", "offices-MIN_NUM_FORMS": "0",
            "offices-MAX_NUM_FORMS": "0"}
    for i, office in enumerate(offices):
        data[f"offices-{i}-id"] = office.pk
        data[f"offices-{i}-street"] = street.pk
        data[f"offices-{i}-duties"] = office.duties
    data["offices-0-head"] = staff.pk

    response = admin_client.post(f"/admin/streets/street/{street.pk}/change/", data)

    assert response.status_code == 200 and "主管领导须由街道班子成员副职兼任" in response.content.decode()
    assert StreetOffice.objects.get(pk=offices[0].pk).head is None

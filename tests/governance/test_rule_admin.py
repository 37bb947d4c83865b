"""Policy rules in the admin: a version in force is read-only; a change is a new, later version."""

import datetime
import json
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from governance.models import PolicyRule
from governance.rules import rule_value


@pytest.fixture
def admin_client(db):
    user = get_user_model().objects.create_superuser("root", password="pw-Secret-2018")
    client = Client()
    client.force_login(user)
    return client


def test_a_version_in_force_cannot_be_rewritten(admin_client):
    rule = PolicyRule.objects.get(key="community.work_funds")
    page = admin_client.get(f"/admin/governance/policyrule/{rule.pk}/change/").content.decode()
    assert 'name="value"' not in page and "以此为基础新增版本" in page

    admin_client.post(f"/admin/governance/policyrule/{rule.pk}/change/", {"note": "核对无误", "value": "[]"})

    rule.refresh_from_db()
    assert rule.note == "核对无误" and rule.value[0]["value"] == 100000


def test_a_new_version_from_the_link_takes_effect_on_its_date(admin_client):
    rule = PolicyRule.objects.get(key="service_station.staff_cap")
    page = admin_client.get(f"/admin/governance/policyrule/{rule.pk}/change/").content.decode()
    link = page.split("以此为基础新增版本")[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    initial = {k: v[0] for k, v in parse_qs(urlparse(link).query).items()}
    assert admin_client.get(link).status_code == 200

    later = timezone.localdate() + datetime.timedelta(days=40)
    response = admin_client.post("/admin/governance/policyrule/add/", {
        **initial, "value": json.dumps(5), "effective_from": later.isoformat(),
    })

    assert response.status_code == 302
    assert rule_value("service_station.staff_cap").value == 4
    assert rule_value("service_station.staff_cap", on=later).value == 5
    assert PolicyRule.objects.get(key="service_station.staff_cap", effective_from=later).history.count() == 1

"""The street page's sections list its first communities and stations with their whole number (issue 14)."""

import pytest
from django.urls import reverse

from communities.models import Community
from governance.roles import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

SHOWN = 3


@pytest.fixture
def grown(two_streets, monkeypatch):
    monkeypatch.setattr("streets.views.SECTION_ROWS", SHOWN)
    monkeypatch.setattr("service_stations.selectors.STREET_PAGE_STATIONS", SHOWN)
    street = two_streets["a"]
    for _ in range(5):
        community = f.community(street)
        f.station(street, community)
    return two_streets


def test_sections_show_the_first_rows_the_whole_total_and_the_link(client, grown):
    street = grown["a"]
    client.force_login(f.user(Role.DISTRICT_ADMIN))
    ordered = list(Community.objects.filter(street=street).order_by("code", "pk"))
    total = len(ordered)
    assert total > SHOWN
    response = client.get(f"/streets/{street.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    ctx = response.context
    assert [row["community"] for row in ctx["communities"]] == ordered[:SHOWN]
    assert ctx["communities_total"] == total
    # the quota section: the rows shown, the totals of every community (summed in SQL)
    assert [r.community for r in ctx["quota_report"].communities] == ordered[:SHOWN]
    assert ctx["quota_report"].community_totals["communities"] == total
    assert len(ctx["chart_gaps"]["categories"]) == SHOWN
    # the meetings section: the street and the communities shown
    assert len(ctx["meeting_compliance"]) == 1 + SHOWN
    assert ctx["meeting_communities_total"] == total
    # the stations
    assert len(ctx["stations"]) == SHOWN and ctx["stations_total"] == 5
    for anchor in ("communities-more", "quota-communities-more", "meeting-communities-more", "stations-more"):
        assert f'id="{anchor}"' in html
    assert f"共 {total} 个社区，此处列出前 {SHOWN} 个" in html and "共 5 个服务站" in html
    assert f'{reverse("quotas")}?street={street.pk}' in html and reverse("meetings-compliance") in html
    assert reverse("stations-checklist") in html


def test_a_small_street_lists_everything_without_the_note(client, two_streets):
    client.force_login(f.user(Role.STREET_STAFF, two_streets["a"]))
    response = client.get(f"/streets/{two_streets['a'].pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="communities-more"' not in html and 'id="quota-communities-more"' not in html
    assert response.context["communities_total"] == len(response.context["communities"]) >= 1

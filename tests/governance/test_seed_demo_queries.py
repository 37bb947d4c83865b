"""seed_demo writes in bulk (issue 14): its number of queries is a constant, not one (or more) per row."""

import io

from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

# The whole demo district on SQLite took 1,016 queries for ~30,000 rows with their history (83,576 before
# the bulk paths): the bound leaves room for an app's few more, not for a query per row.
MAX_QUERIES = 1500


def test_seed_demo_runs_a_bounded_number_of_queries(db):
    with CaptureQueriesContext(connection) as captured:
        call_command("seed_demo", "--password", "x-pass-123", stdout=io.StringIO())
    rows = sum(apps.get_model(label).objects.count() for label in (
        "governance.Person", "governance.Post", "grids.Grid", "service_stations.ServiceCase", "meetings.Meeting",
        "meetings.JointCommitteeList", "grids.LedgerEntry", "auth.User"))
    assert rows > 3 * MAX_QUERIES  # the seed wrote far more rows than it ran queries
    assert apps.get_model("service_stations.ServiceCase").history.filter(history_type="~").exists()  # transitions audited
    assert len(captured) <= MAX_QUERIES

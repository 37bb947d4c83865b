"""`governance_count_estimate(query text)`: the PostgreSQL planner's row estimate of one SELECT, read by the
API's pagination in the page query itself past COUNT_EXACT_LIMIT rows (governance/pagination.py, issue 14).

What keeps it safe, in the function and around it:
- it runs `EXPLAIN (FORMAT JSON)` of its argument, never the statement: no ANALYZE (the options are fixed before
  the text, which can add none), so nothing is executed, locked or written;
- the argument must start with `SELECT ` and be one statement: the EXPLAIN is opened as a cursor (FOR … IN
  EXECUTE), and PostgreSQL refuses a cursor over several statements ("cannot open multi-query plan as cursor")
  before running any — `EXECUTE … INTO` would run a second statement after a `;`;
- SECURITY INVOKER (the default): it can do nothing its caller could not, and EXECUTE is revoked from PUBLIC, so
  only the role that ran the migrations (the application's) may call it;
- the application passes it only SQL it compiled itself, rendered by the driver (`connection.ops.compose_sql`,
  psycopg's own quoting of every parameter), and sends that text as a bound parameter of the page query; no
  caller formats user input into it (`governance.pagination` is the one caller: `count_sql`, and the
  paginator's count of a list it cannot count by its keys, which wraps the compiled SQL as a subquery).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION governance_count_estimate(query text) RETURNS bigint
LANGUAGE plpgsql STRICT VOLATILE PARALLEL UNSAFE AS $fn$
DECLARE
    plan record;
BEGIN
    IF left(query, 7) <> 'SELECT ' THEN
        RAISE EXCEPTION 'governance_count_estimate takes a SELECT' USING ERRCODE = '22023';
    END IF;
    FOR plan IN EXECUTE 'EXPLAIN (FORMAT JSON) ' || query LOOP
        RETURN (plan."QUERY PLAN" -> 0 -> 'Plan' ->> 'Plan Rows')::numeric::bigint;
    END LOOP;
    RETURN NULL;
END
$fn$;
REVOKE ALL ON FUNCTION governance_count_estimate(text) FROM PUBLIC;
"""

DROP = "DROP FUNCTION IF EXISTS governance_count_estimate(text);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [("governance", "0017_person_service_start")]

    operations = [migrations.RunPython(create, drop)]

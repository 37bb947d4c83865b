"""A short schemathesis pass (CI): a few hundred generated requests against the live test server, as a
street clerk with a token. Any 5xx, or any answer that does not match the OpenAPI schema (status code,
content type, body, headers), fails the test.

One check is left out: positive_data_acceptance expects every schema-valid body to be accepted, but ids
of another street's objects and the policy's rules (caps, composition) cannot be expressed in a schema,
so their 400s are correct answers. benchmarks/attack.py runs a longer pass (all phases).
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from governance.roles import Role
from governance.rules import rules_seed
from tests import factories as f

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))
EXCLUDED_CHECKS = "positive_data_acceptance"


def schemathesis_command(base_url: str, token: str, *, max_examples: int, phases: str, workers: int = 2,
                         seed: int = 7) -> list[str]:
    """The `st run` command line, shared with benchmarks/attack.py."""
    return [str(Path(sys.executable).with_name("st")), "run", f"{base_url}/api/v1/schema/?format=json",
            "--url", base_url, "-H", f"Authorization: Token {token}",
            "--checks", "all", "--exclude-checks", EXCLUDED_CHECKS, "--phases", phases,
            "--max-examples", str(max_examples), "--workers", str(workers), "--seed", str(seed),
            "--request-timeout", "20", "--no-color"]


def generated_count(output: str) -> int:
    match = re.search(r"(\d+) generated", output)
    return int(match.group(1)) if match else 0


# The Python here (3.11.7) sometimes raises this SystemError from its ast module inside Hypothesis while
# schemathesis builds a case: st then reports a "Runtime Error" of its own for one operation, which is
# not a finding about the API (the same operation passes on the next run).
KNOWN_TOOL_ERROR = "AST constructor recursion depth mismatch"


def api_findings(output: str) -> tuple[int, int]:
    """(failures, errors other than the known interpreter bug) from st's output."""
    closing = output.strip().splitlines()[-1] if output.strip() else ""
    failures = int(m.group(1)) if (m := re.search(r"(\d+) failures?\b", closing)) else 0
    errors = int(m.group(1)) if (m := re.search(r"(\d+) errors?\b", closing)) else 0
    runtime = int(m.group(1)) if (m := re.search(r"Runtime Error: (\d+)", output)) else 0
    known = min(runtime, output.count(KNOWN_TOOL_ERROR))
    return failures, errors - known


@pytest.fixture
def clerk_token(transactional_db):
    # Given a street with a community, a station, a grid and staff, another street, and the street's clerk
    rules_seed()
    street = f.street(name="凤凰北街")
    community = f.community(street, name="丽景湾社区")
    f.station(street, community)
    f.grid(community)
    f.street_staff(street, 3)
    f.community(f.street(name="乙街"))
    return f.token_for(f.user(Role.STREET_STAFF, street))


def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_server, clerk_token):
    started = time.monotonic()

    # When schemathesis sends its examples and fuzzed requests to every operation
    result = subprocess.run(schemathesis_command(live_server.url, clerk_token, max_examples=MAX_EXAMPLES,
                                                 phases="examples,fuzzing"),
                            cwd=ROOT, capture_output=True, text=True, timeout=300)

    # Then no check failed, after a few hundred requests, within a minute
    output = result.stdout + result.stderr
    failures, other_errors = api_findings(result.stdout)
    assert failures == 0 and other_errors == 0, output[-20000:]
    assert result.returncode == 0 or (failures == 0 and KNOWN_TOOL_ERROR in output), output[-20000:]
    assert generated_count(output) >= 200, output[-3000:]
    assert time.monotonic() - started < 90

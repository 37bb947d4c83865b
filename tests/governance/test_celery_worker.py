"""A real Celery worker consumes a task from the Redis broker and writes to the test database."""

import datetime
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from celery import Celery
from django.db import connection

from governance.models import Post, PostKind
from governance.rules import rules_seed
from tests import factories as f
from tests.conftest import skip_or_fail

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
TIMEOUT = 30


def _redis_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _test_database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test_<name>), for the worker."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker():
    """Start `celery -A governance worker` on a queue of its own; stop it afterwards."""
    if connection.vendor != "postgresql":
        skip_or_fail("the worker test needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite in use)")
    if not _redis_answers(BROKER_URL):
        skip_or_fail(f"the worker test needs Redis at {BROKER_URL}, which does not answer")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "governance.test_settings",
        "DATABASE_URL": _test_database_url(),
        "DATABASE_CONN_MAX_AGE": "0",  # hold no connection that would keep the test database from being dropped
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    celery = Path(sys.executable).with_name("celery")
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [str(celery), "-A", "governance", "worker", "--pool=solo", "-l", "warning", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    sender = Celery("governance-test-sender", broker=BROKER_URL)
    try:
        yield proc, sender, queue, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        sender.close()
        log.close()


def _wait_for(condition, proc, log):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"the worker exited with {proc.returncode}:\n{log.read().decode(errors='replace')}")
        time.sleep(0.2)
    log.seek(0)
    pytest.fail(f"the worker did not do the work within {TIMEOUT}s:\n{log.read().decode(errors='replace')}")


def test_worker_ends_posts_from_the_broker_and_a_repeated_message_changes_nothing(worker):
    proc, sender, queue, log = worker
    # Given the policy rules (a transactional test before this one may have flushed the migration's seed)
    rules_seed()
    # and a street with two open posts
    street = f.street()
    first, second = f.street_staff(street, 2)
    day = datetime.date(2024, 6, 30)

    # When the task is sent through Redis
    sender.send_task("governance.tasks.posts_end_task", args=[[first.pk], day.isoformat()], queue=queue)

    # Then the worker ends the post in the database, recording the change in its history
    _wait_for(lambda: Post.objects.get(pk=first.pk).end_date is not None, proc, log)
    assert Post.objects.get(pk=first.pk).end_date == day
    history_rows = first.history.count()
    assert history_rows == 2  # created, then ended

    # When the same post is sent again (a retry) with another date, together with the second post
    later = datetime.date(2024, 12, 31)
    sender.send_task("governance.tasks.posts_end_task", args=[[first.pk, second.pk], later.isoformat()], queue=queue)
    _wait_for(lambda: Post.objects.get(pk=second.pk).end_date is not None, proc, log)

    # Then the already ended post is left as it was
    assert Post.objects.get(pk=first.pk).end_date == day
    assert first.history.count() == history_rows
    assert Post.objects.get(pk=second.pk).end_date == later
    assert Post.objects.get(pk=second.pk).kind == PostKind.STREET_STAFF

"""Workers lose nothing (issue 7): a real Celery worker on Redis and PostgreSQL is SIGKILLed in the middle of
ending 1,000 posts, once its pool process only and once the whole worker; after it comes back every post is
ended exactly once (one history row each), none twice, none missed."""

import datetime
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection
from django.db.models import Count

from governance.models import Person, Post, PostKind, StaffCategory
from tests import factories as f
from tests.conftest import skip_or_fail
from tests.governance.test_celery_worker import _redis_answers, _test_database_url

pytestmark = [pytest.mark.services, pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"
ROWS = 1000
END = datetime.date(2024, 6, 30)
# Short enough for a test, in the order production needs: the task's hard limit below the visibility
# timeout (after which Redis hands an unacknowledged message to a worker again). The task hands its rest
# on after half the time limit, so a slow machine makes more messages, not a task killed by the limit.
TIME_LIMIT, VISIBILITY_TIMEOUT = 16, 20
DEADLINE = 150


class Worker:
    """`celery -A governance worker` with one prefork pool process, in a process group of its own."""

    def __init__(self, queue: str):
        self.queue = queue
        self.log = tempfile.TemporaryFile()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "governance.test_settings",
            "DATABASE_URL": _test_database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_TASK_TIME_LIMIT": str(TIME_LIMIT),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_RESTORE_SWEEP_SECONDS": "1",
        }
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("celery")), "-A", "governance", "worker", "--pool=prefork",
             "--concurrency=1", "-l", "info", "-Q", queue, "-n", f"{queue}-{uuid.uuid4().hex[:6]}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def pool_children(self) -> list[int]:
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:  # the parent pid
                children.append(int(stat.parent.name))
        return children

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-6000:]

    def kill_everything(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=15)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_everything()
        self.log.close()


@pytest.fixture
def services():
    if connection.vendor != "postgresql":
        skip_or_fail("the worker-kill tests need PostgreSQL: set DATABASE_URL=postgres://... (SQLite in use)")
    if not _redis_answers(BROKER_URL):
        skip_or_fail(f"the worker-kill tests need Redis at {BROKER_URL}, which does not answer")
    queue = f"kill-{uuid.uuid4().hex[:10]}"
    sender = Celery("governance-kill-test", broker=BROKER_URL, set_as_current=False)  # leave the project app current
    workers = []
    yield queue, sender, workers
    for worker in workers:
        worker.stop()
    sender.close()


@pytest.fixture
def open_posts(transactional_db):
    """1,000 open posts, written in bulk (so without history rows: each row the task writes is its own)."""
    street = f.street()
    people = Person.objects.bulk_create([Person(name=f"人员{n}", street=street) for n in range(ROWS)])
    posts = Post.objects.bulk_create([
        Post(person=p, kind=PostKind.STREET_STAFF, street=street, staff_category=StaffCategory.ADMINISTRATIVE,
             start_date=datetime.date(2020, 1, 1)) for p in people
    ])
    return [p.pk for p in posts]


def _ended(ids) -> int:
    _ended.last = Post.objects.filter(pk__in=ids, end_date__isnull=False).count()
    return _ended.last


def _wait(condition, workers, what: str, timeout: float = DEADLINE, poll: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(poll)
    logs = "\n----\n".join(w.output() for w in workers)
    with connection.cursor() as cursor:
        cursor.execute("SELECT state, wait_event_type, wait_event, left(query, 120) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        activity = cursor.fetchall()
    pytest.fail(f"{what} did not happen within {timeout}s (ended: {_ended.last}); database sessions: "
                f"{activity}\n{logs}")


def _assert_each_post_ended_exactly_once(ids):
    assert _ended(ids) == ROWS
    assert set(Post.objects.filter(pk__in=ids).values_list("end_date", flat=True)) == {END}
    writes = Post.history.filter(id__in=ids).values("id").annotate(n=Count("history_id"))
    assert sorted({row["n"] for row in writes}) == [1], "a post was ended more than once"
    assert len(writes) == ROWS


def _start_mid_task(queue, sender, workers, ids):
    worker = Worker(queue)
    workers.append(worker)
    sender.send_task("governance.tasks.posts_end_task", args=[ids, END.isoformat()], queue=queue)
    # Some batches committed, not all: the middle of the task.
    _wait(lambda: _ended(ids) >= 100, workers, "the first batch")
    done_at_kill = _ended(ids)
    assert done_at_kill < ROWS, "the task finished before it could be killed: make it longer"
    return worker, done_at_kill


def test_killing_the_pool_process_mid_task_loses_and_repeats_nothing(services, open_posts):
    queue, sender, workers = services
    # Given a worker ending 1,000 posts, a few batches done
    worker, done_at_kill = _start_mid_task(queue, sender, workers, open_posts)
    (child,) = worker.pool_children()

    # When its pool process is killed (out of memory, a crash)
    os.kill(child, signal.SIGKILL)

    # Then the main process requeues the task (reject_on_worker_lost), a new pool process resumes it,
    # and every post is ended exactly once
    _wait(lambda: _ended(open_posts) == ROWS, workers, "ending every post after the pool process was killed")
    assert worker.proc.poll() is None
    assert 0 < done_at_kill < ROWS
    _assert_each_post_ended_exactly_once(open_posts)
    assert "WorkerLostError" in worker.output() or "Process" in worker.output()


def test_killing_the_whole_worker_mid_task_loses_and_repeats_nothing(services, open_posts):
    queue, sender, workers = services
    # Given a worker ending 1,000 posts, a few batches done
    worker, done_at_kill = _start_mid_task(queue, sender, workers, open_posts)

    # When the whole worker is killed at once (the machine lost power), and started again
    worker.kill_everything()
    time.sleep(0.5)
    stopped_at = _ended(open_posts)
    workers.append(Worker(queue))

    # Then after the visibility timeout Redis delivers the unacknowledged task again, the new worker
    # resumes from the committed batches, and every post is ended exactly once
    _wait(lambda: _ended(open_posts) == ROWS, workers, "ending every post after the worker was killed")
    assert 0 < done_at_kill <= stopped_at < ROWS
    _assert_each_post_ended_exactly_once(open_posts)

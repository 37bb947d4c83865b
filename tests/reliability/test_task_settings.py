"""Tasks are declared safe to lose a worker under, and the long one works in committed, resumable batches
(the worker-kill tests beside this file show it with a real worker; these need no services)."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import Count

import assessments.tasks  # noqa: F401 - registers its task, as the worker's autodiscovery does
from governance import tasks
from governance.celery import app
from governance.models import Post, PostKind
from governance.tasks import posts_end_task
from tests import factories as f

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]
END = datetime.date(2024, 6, 30)


@pytest.mark.parametrize("name", ["governance.tasks.posts_end_task", "assessments.tasks.assessment_reminders_task"])
def test_every_task_is_acks_late_requeued_on_worker_loss_and_retried_with_backoff(name):
    # From the project's app, as the worker sees it (a test that made another Celery app current would
    # otherwise hand back that app's copy of the shared task).
    task = app.tasks[name]
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert set(task.autoretry_for) == {OperationalError, InterfaceError}
    assert task.retry_backoff and task.retry_jitter
    assert task.max_retries == 5


def test_the_broker_redelivers_only_after_the_longest_task_may_have_ended():
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT


def test_a_visibility_timeout_not_above_the_time_limit_refuses_to_start():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "governance.test_settings", "CELERY_TASK_TIME_LIMIT": "600",
           "CELERY_VISIBILITY_TIMEOUT": "600"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT" in result.stderr


def _posts(n):
    street = f.street()
    return [f.post(PostKind.STREET_STAFF, street=street, staff_category="administrative") for _ in range(n)]


def _writes_after_creation(posts):
    rows = Post.history.filter(id__in=[p.pk for p in posts]).values("id").annotate(n=Count("history_id"))
    return sorted(row["n"] - 1 for row in rows)  # the first history row is the post's creation


@pytest.mark.django_db
def test_a_second_delivery_resumes_with_the_posts_still_open():
    # Given 5 posts of which a first, interrupted run ended 2
    posts = _posts(5)
    posts_end_task([p.pk for p in posts[:2]], END.isoformat())

    # When the whole message is delivered again
    ended = posts_end_task([p.pk for p in posts], END.isoformat(), batch_size=2)

    # Then it ends the 3 others only, and no post has been ended twice
    assert ended == 3
    assert _writes_after_creation(posts) == [1] * 5


@pytest.mark.django_db
def test_a_run_out_of_time_hands_the_rest_on_as_a_new_message(monkeypatch):
    # Given a run whose time budget is spent after its first batch
    monkeypatch.setattr(tasks, "_run_budget", lambda: 0)
    sent = []
    real_apply_async = posts_end_task.apply_async
    monkeypatch.setattr(posts_end_task, "apply_async",
                        lambda *a, **kw: sent.append(kw) or real_apply_async(*a, **kw))
    posts = _posts(5)

    # When it runs (eagerly here: each handed-on message runs at once)
    posts_end_task([p.pk for p in posts], END.isoformat(), batch_size=2)

    # Then it ended 2, handed on the rest, which did the same, until all 5 were ended once each
    assert len(sent) == 3
    assert set(Post.objects.filter(pk__in=[p.pk for p in posts]).values_list("end_date", flat=True)) == {END}
    assert _writes_after_creation(posts) == [1] * 5

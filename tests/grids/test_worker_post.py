"""三(四)2 "人在格中": a grid's worker follows its full-time grid worker's post, in the post's transaction:
appointed → set; ended, moved or refused → as the posts say, and a refused appointment changes no grid."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.models import PostKind
from governance.services import post_appoint, post_end, post_update
from grids.models import Grid
from grids.services import grid_workers_follow_dated_posts
from tests import factories as f
from tests.conftest import api_as

pytestmark = pytest.mark.django_db
API = "/api/v1"


def appoint(w, grid, person=None, **fields):
    person = person or f.person(community=w["ca"], name=fields.pop("name", "赵网格员"))
    return post_appoint(acting_user=w["cs_a"], person=person, kind=PostKind.GRID_WORKER, community=w["ca"], grid=grid,
                        start_date=fields.pop("start_date", timezone.localdate() - datetime.timedelta(days=30)),
                        **fields)


def test_appointing_sets_the_grids_worker_and_ending_clears_it(w):
    grid = w["grid_a2"]
    assert grid.worker is None
    post = appoint(w, grid)
    grid.refresh_from_db()
    assert grid.worker == post.person
    assert grid.history.first().history_change_reason == "任命专职网格员"
    assert grid.history.first().history_user == w["cs_a"]
    post_end(post=post, acting_user=w["cs_a"], reason="辞职")
    grid.refresh_from_db()
    assert grid.worker is None


def test_a_refused_appointment_leaves_the_grid_unchanged(w):
    grid = w["grid_a2"]
    before = (grid.worker_id, grid.version, grid.history.count())
    outsider = f.person(community=w["cb"], name="乙街人员")  # a record of another community: refused
    with pytest.raises(ValidationError) as exc:
        appoint(w, grid, person=outsider)
    assert "person" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # a start more than a year ahead: refused
        appoint(w, grid, start_date=timezone.localdate() + datetime.timedelta(days=400))
    assert "start_date" in exc.value.message_dict
    grid.refresh_from_db()
    assert (grid.worker_id, grid.version, grid.history.count()) == before


def test_a_post_starting_later_sets_nothing_yet(w):
    grid = w["grid_a2"]
    appoint(w, grid, start_date=timezone.localdate() + datetime.timedelta(days=10))
    grid.refresh_from_db()
    assert grid.worker is None


def test_moving_the_post_to_another_grid_moves_the_worker(w):
    first, second = w["grid_a2"], f.grid(w["ca"], households=0)
    post = appoint(w, first)
    post_update(post=post, acting_user=w["cs_a"], grid=second, expected_version=post.version)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.worker is None and second.worker == post.person


def test_ending_one_of_two_grid_workers_hands_the_grid_to_the_other(w):
    grid = w["grid_a2"]
    older = appoint(w, grid, name="老网格员", start_date=timezone.localdate() - datetime.timedelta(days=90))
    newer = appoint(w, grid, name="新网格员")
    grid.refresh_from_db()
    assert grid.worker == newer.person
    post_end(post=newer, acting_user=w["cs_a"])
    grid.refresh_from_db()
    assert grid.worker == older.person
    post_end(post=older, acting_user=w["cs_a"])
    grid.refresh_from_db()
    assert grid.worker is None


def test_through_the_api_the_grid_follows_the_post(w, admin_user):
    grid = w["grid_a2"]
    person = f.person(community=w["ca"], name="钱网格员")
    client = api_as(admin_user)
    r = client.post(f"{API}/posts/", {"person": person.pk, "kind": "grid_worker", "community": w["ca"].pk,
                                      "grid": grid.pk, "start_date": str(timezone.localdate())}, format="json")
    assert r.status_code == 201, r.data
    assert Grid.objects.get(pk=grid.pk).worker_id == person.pk
    r = client.post(f"{API}/posts/{r.data['id']}/end/", {"reason": "调离"}, format="json")
    assert r.status_code == 200, r.data
    assert Grid.objects.get(pk=grid.pk).worker_id is None


# Posts dated ahead: the daily job (grids.tasks.grid_workers_follow_dated_posts_task) applies them on their day.

def test_a_post_starting_later_sets_the_worker_on_its_first_day_and_a_rerun_changes_nothing(w):
    grid = w["grid_a2"]
    start = timezone.localdate() + datetime.timedelta(days=10)
    post = appoint(w, grid, start_date=start)
    assert grid_workers_follow_dated_posts(today=start - datetime.timedelta(days=1)) == 0
    grid.refresh_from_db()
    assert grid.worker is None
    assert grid_workers_follow_dated_posts(today=start) == 1
    grid.refresh_from_db()
    assert grid.worker == post.person
    assert grid.history.first().history_change_reason == "任命专职网格员"
    before = (grid.version, grid.history.count())
    assert grid_workers_follow_dated_posts(today=start) == 0
    assert grid_workers_follow_dated_posts(today=start + datetime.timedelta(days=3)) == 0  # a late run: no change
    grid.refresh_from_db()
    assert (grid.version, grid.history.count()) == before


def test_a_post_ended_on_a_later_date_clears_the_worker_on_that_day(w):
    grid = w["grid_a2"]
    post = appoint(w, grid)
    end = timezone.localdate() + datetime.timedelta(days=5)
    post_end(post=post, acting_user=w["cs_a"], end_date=end, reason="合同期满")
    grid.refresh_from_db()
    assert grid.worker == post.person  # still in post until then
    assert grid_workers_follow_dated_posts(today=end - datetime.timedelta(days=1)) == 0
    assert grid_workers_follow_dated_posts(today=end) == 1
    grid.refresh_from_db()
    assert grid.worker is None


def test_a_missed_day_is_caught_up_within_the_lookback(w):
    grid = w["grid_a2"]
    start = timezone.localdate() + datetime.timedelta(days=10)
    post = appoint(w, grid, start_date=start)
    assert grid_workers_follow_dated_posts(today=start + datetime.timedelta(days=8), lookback_days=7) == 0
    assert grid_workers_follow_dated_posts(today=start + datetime.timedelta(days=6), lookback_days=7) == 1
    grid.refresh_from_db()
    assert grid.worker == post.person


def test_a_grid_changed_on_or_after_the_posts_day_is_left_as_it_was_decided(w):
    """An approved change of grid worker made after the post's day stands: the job does not undo it."""
    grid = w["grid_a2"]
    start = timezone.localdate() + datetime.timedelta(days=10)
    appoint(w, grid, start_date=start)
    other = f.person(community=w["ca"], name="审定网格员")
    Grid.objects.filter(pk=grid.pk).update(worker=other)
    grid.history.create(id=grid.pk, community=grid.community, code=grid.code, name=grid.name, worker=other,
                        households=grid.households, version=grid.version, history_type="~",
                        history_date=timezone.make_aware(datetime.datetime.combine(start, datetime.time(9))))
    assert grid_workers_follow_dated_posts(today=start + datetime.timedelta(days=1)) == 0
    grid.refresh_from_db()
    assert grid.worker == other


def test_the_daily_schedule_is_data(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="grids.tasks.grid_workers_follow_dated_posts_task")
    assert (task.enabled, task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == (
        True, "0", "10", "Asia/Shanghai")

"""Celery tasks of the district-wide domain (STYLE.md 8): take ids, call one service, safe to run twice."""

import datetime
import time

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from governance.models import Post
from governance.services import post_end

BATCH_SIZE = 100


def _run_budget() -> float:
    """Seconds one run may spend before it hands the rest on: half the hard time limit, so a slow batch
    still ends well inside it (and so inside the broker's visibility timeout)."""
    return (settings.CELERY_TASK_TIME_LIMIT or 3600) / 2


@shared_task(bind=True)
def posts_end_task(self, post_ids: list[int], end_date: str, acting_user_id: int | None = None,
                   batch_size: int = BATCH_SIZE) -> int:
    """End the given posts on `end_date` (ISO date), e.g. when a secondment (挂职) term runs out.

    Works in batches, each committed with its history rows: a worker killed mid-task loses at most the
    batch it was in (rolled back), and the message, delivered again (acks_late), resumes with the posts
    still open. Posts already ended are left as they are, so a retried or duplicated message changes
    nothing; rows are locked while a batch ends them, so two deliveries running at once cannot both end
    one post. A run that has used its time budget queues the rest as a new message and returns, so no
    run outlives the time limit however many posts there are. Returns how many posts this run ended.
    """
    day = datetime.date.fromisoformat(end_date)
    acting_user = get_user_model().objects.filter(pk=acting_user_id).first() if acting_user_id else None
    deadline = time.monotonic() + _run_budget()
    ended = 0
    while True:
        with transaction.atomic():
            # FOR UPDATE re-reads end_date after waiting for a lock: a post another run ended is not taken.
            batch = list(Post.objects.select_for_update(of=("self",))
                         .filter(pk__in=post_ids, end_date__isnull=True).order_by("pk")[:batch_size])
            for post in batch:
                post_end(post=post, acting_user=acting_user, end_date=day)
        if not batch:
            return ended
        ended += len(batch)
        if time.monotonic() > deadline:
            queue = (self.request.delivery_info or {}).get("routing_key")
            self.apply_async(args=[post_ids, end_date, acting_user_id], kwargs={"batch_size": batch_size},
                             queue=queue)
            return ended


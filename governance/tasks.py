"""Celery tasks of the district-wide domain (STYLE.md 8): take ids, call one service, safe to run twice."""

import datetime

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction

from governance.models import Post
from governance.services import post_end

BATCH_SIZE = 100


@shared_task
def posts_end_task(post_ids: list[int], end_date: str, acting_user_id: int | None = None,
                   batch_size: int = BATCH_SIZE) -> int:
    """End the given posts on `end_date` (ISO date), e.g. when a secondment (挂职) term runs out.

    Works in batches, each committed with its history rows: a worker killed mid-task loses at most the
    batch it was in (rolled back), and the message, delivered again (acks_late), resumes with the posts
    still open. Posts already ended are left as they are, so a retried or duplicated message changes
    nothing; rows are locked while a batch ends them, so two deliveries running at once (a visibility
    timeout passed) cannot both end one post. Returns how many posts this run ended.
    """
    day = datetime.date.fromisoformat(end_date)
    acting_user = get_user_model().objects.filter(pk=acting_user_id).first() if acting_user_id else None
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

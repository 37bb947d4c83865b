"""Celery tasks of the district-wide domain (STYLE.md 8): take ids, call one service, safe to run twice."""

import datetime

from celery import shared_task
from django.contrib.auth import get_user_model

from governance.models import Post
from governance.services import post_end


@shared_task
def posts_end_task(post_ids: list[int], end_date: str, acting_user_id: int | None = None) -> int:
    """End the given posts on `end_date` (ISO date), e.g. when a secondment (挂职) term runs out.

    Posts already ended are left as they are, so a retried or duplicated message changes nothing.
    Returns how many posts this run ended.
    """
    day = datetime.date.fromisoformat(end_date)
    acting_user = get_user_model().objects.filter(pk=acting_user_id).first() if acting_user_id else None
    ended = 0
    for post in Post.objects.filter(pk__in=post_ids, end_date__isnull=True).order_by("pk"):
        post_end(post=post, acting_user=acting_user, end_date=day)
        ended += 1
    return ended

"""The Celery app. Every task is declared safe to lose a worker under it (docs: README, "Celery worker"):

- acks_late: the broker keeps a message until its task has finished, so a worker that dies mid-task
  (killed, out of memory, the machine restarted) leaves the message to be delivered again;
- reject_on_worker_lost: a task whose pool process was killed is requeued, not marked failed;
- retries with exponential backoff and jitter when the database is unreachable for a moment;
- a broker visibility timeout above the hard time limit of any task (settings check), so Redis never
  hands a message that is still being worked on to a second worker.

Tasks must therefore be idempotent (STYLE.md 8): they take ids and skip what is already done, and a
long one commits its work in batches, so that a second delivery resumes where the first stopped.
"""

import os

from celery import Celery, Task
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")


class ReliableTask(Task):
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = 5  # seconds, doubled on each retry
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5


app = Celery("governance", task_cls=ReliableTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

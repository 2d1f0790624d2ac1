import os
from functools import partial

from celery import Celery
from django.db import transaction
from kombu.exceptions import OperationalError

from .outages import log_outage

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")

app = Celery("community")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue(task, *args, **kwargs) -> None:
    """Send `task(*args, **kwargs)` to the workers once the current transaction commits (at
    once outside a transaction), so a worker never looks for a row that is not there yet.

    If the broker cannot be reached, the outage is logged and the caller's request goes on.
    Work that must not be lost keeps its state in a database row, and a periodic sweep sends it
    again (privacy.requests.sweep, privacy.tasks.resume_sending).
    """
    transaction.on_commit(partial(_send, task, args, kwargs))


def _send(task, args, kwargs) -> None:
    try:
        task.delay(*args, **kwargs)
    except OperationalError as error:
        log_outage("broker", "Broker unavailable, tasks are not sent: %s", error)

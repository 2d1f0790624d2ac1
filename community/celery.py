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

    The database row is the truth: if the broker cannot be reached, the outage is logged and
    the caller's request goes on; the periodic sweep that owns this kind of work sends it again.
    """
    transaction.on_commit(partial(_send, task, args, kwargs))


def _send(task, args, kwargs) -> None:
    try:
        task.delay(*args, **kwargs)
    except OperationalError as error:
        log_outage("broker", "Broker unavailable, the sweeps will send the work later: %s", error)

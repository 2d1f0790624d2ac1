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


def enqueue(task_name: str, *args, **kwargs) -> None:
    """Send the task of that explicit name (`"privacy.erase_data"`) to the workers once the
    current transaction commits (at once outside a transaction), so a worker never looks for a
    row that is not there yet. Naming the task keeps domain modules from importing the task
    modules that import them.

    If the broker cannot be reached, the outage is logged and the caller's request goes on.
    Work that must not be lost keeps its state in a database row, and a periodic sweep sends it
    again (see `enqueue_each`).
    """
    transaction.on_commit(partial(_send, task_name, args, kwargs))


def enqueue_each(task_name: str, rows) -> int:
    """Queue the task once for the primary key of each of these rows, and say how many: the
    sweep that re-sends work whose task was lost (the rows are the truth, the tasks safe to run
    twice)."""
    ids = list(rows.values_list("pk", flat=True))
    for pk in ids:
        enqueue(task_name, pk)
    return len(ids)


def _send(task_name, args, kwargs) -> None:
    try:
        _task(task_name).delay(*args, **kwargs)
    except OperationalError as error:
        log_outage("broker", "Broker unavailable, tasks are not sent: %s", error)


def _task(name: str):
    if name not in app.tasks:
        app.loader.import_default_modules()  # the apps' task modules, as a worker loads them
    return app.tasks[name]

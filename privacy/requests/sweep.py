"""Keeping requests moving: work whose task was lost (broker down, worker killed) is sent again.
The request's row is the truth: `DataRequest.enqueued` says when its work was last sent."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import DataRequest
from .state import enqueue_work, locked

# Work sent to the broker this long ago and still not done is sent again by the sweep.
STALE_AFTER = timedelta(minutes=15)


def sweep(now=None) -> int:
    """Re-send work whose task was lost (broker down, worker killed); returns how many."""
    stale = (now or timezone.now()) - STALE_AFTER
    resent = 0
    for request in DataRequest.objects.filter(
        status=DataRequest.Status.IN_PROGRESS, enqueued__lt=stale
    ):
        with transaction.atomic():
            enqueue_work(locked(request))
        resent += 1
    return resent

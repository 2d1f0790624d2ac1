import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.models import Session
from django.utils import timezone

from community.celery import app
from privacy.tasks import clear_expired_sessions


@pytest.mark.django_db(transaction=True)
def test_a_task_runs_through_a_real_celery_worker(settings):
    """The wiring end to end: our app, our broker (Redis when REDIS_URL is set), a worker."""
    if not settings.REDIS_URL:
        app.conf.broker_url = "memory://"
    expired = Session.objects.create(
        session_key="expired", session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    live = Session.objects.create(
        session_key="live", session_data="", expire_date=timezone.now() + timedelta(days=1)
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        clear_expired_sessions.delay()
        deadline = time.monotonic() + 20
        while Session.objects.filter(pk=expired.pk).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert not Session.objects.filter(pk=expired.pk).exists()
    assert Session.objects.filter(pk=live.pk).exists()

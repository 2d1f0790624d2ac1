from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler, ModelEntry

from community.celery import app
from forums.models import SignIn
from privacy import registry
from privacy.models import RetentionRun

from ...factories import UserFactory

# The beat entry, made by the data migration (run again here: a transactional test that ran
# earlier flushed the tables).
schedule_migration = import_module("privacy.migrations.0009_retention_runs_and_schedule")


@pytest.mark.usefixtures("celery_worker")
def test_the_beat_entry_runs_the_job_through_a_real_celery_worker(wait_until):
    """Our app, our broker (Redis when REDIS_URL is set), a worker, and the schedule entry the
    data migration made, sent the way beat sends it."""
    now = timezone.now()
    expired = Session.objects.create(
        session_key="expired", session_data="", expire_date=now - timedelta(days=1)
    )
    live = Session.objects.create(
        session_key="live", session_data="", expire_date=now + timedelta(days=1)
    )
    sign_in = SignIn.objects.create(user=UserFactory(), ip_address="192.0.2.1")
    SignIn.objects.filter(pk=sign_in.pk).update(created=now - timedelta(days=91))
    schedule_migration.schedule(django_apps, None)
    entry = ModelEntry(PeriodicTask.objects.get(task="privacy.enforce_retention"), app=app)
    rules = len(registry.retention_rules())
    DatabaseScheduler(app=app, lazy=True).apply_async(entry, advance=False)
    wait_until(lambda: RetentionRun.objects.filter(finished__isnull=False).count() >= rules)
    assert RetentionRun.objects.filter(finished__isnull=False, error="").count() == rules
    assert not Session.objects.filter(pk=expired.pk).exists()
    assert Session.objects.filter(pk=live.pk).exists()
    sign_in.refresh_from_db()
    assert sign_in.ip_address is None

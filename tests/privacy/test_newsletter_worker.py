import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from community.celery import app
from privacy import consent, newsletter
from privacy.models import Consent, ConsentText, Newsletter

from ..factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_a_newsletter_is_sent_by_a_real_celery_worker(settings, monkeypatch):
    """Queued after commit, picked up by a worker (on Redis when REDIS_URL is set), sent."""
    if not settings.REDIS_URL:
        monkeypatch.setitem(app.conf, "broker_url", "memory://")
        # Producers are pooled per broker connection: drop any made for the old broker by an
        # earlier test, so the task goes where this test's worker listens.
        monkeypatch.setattr(app, "_pool", None)
        monkeypatch.setattr(app.amqp, "_producer_pool", None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    member = UserFactory()
    consent.record(
        user=member,
        purpose=consent.NEWSLETTER,
        granted=True,
        source=Consent.Source.PREFERENCES,
        # Transactional tests empty every table, the data migration's wordings too.
        text=ConsentText.objects.get_or_create(
            key="preferences-newsletter", version=1, defaults={"wording": "Send me the newsletter."}
        )[0],
    )
    item = Newsletter.objects.create(subject="Worker news", body="Hello.")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert newsletter.start_sending(item)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            item.refresh_from_db()
            if item.status == Newsletter.Status.SENT:
                break
            time.sleep(0.1)
    assert item.status == Newsletter.Status.SENT
    assert [m.to[0] for m in mail.outbox] == [member.email]

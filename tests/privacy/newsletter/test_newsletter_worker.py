import pytest
from django.core import mail

from privacy import consent
from privacy.models import Consent, ConsentText, Newsletter
from privacy.newsletter import sending

from ...factories import UserFactory


@pytest.mark.usefixtures("celery_worker")
def test_a_newsletter_is_sent_by_a_real_celery_worker(settings, wait_until):
    """Queued after commit, picked up by a worker (on Redis when REDIS_URL is set), sent."""
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
    assert sending.start_sending(item)
    wait_until(lambda: Newsletter.objects.get(pk=item.pk).status == Newsletter.Status.SENT)
    item.refresh_from_db()
    assert item.status == Newsletter.Status.SENT
    assert [m.to[0] for m in mail.outbox] == [member.email]

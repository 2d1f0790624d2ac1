"""Every row that holds an address in clear has a retention period (issue 11, P17, P18)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from privacy import consent, newsletter, registry, retention
from privacy.models import Consent

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def subscribe(address):
    consent.record(
        email=address,
        purpose=consent.NEWSLETTER,
        granted=True,
        source=Consent.Source.DOUBLE_OPT_IN,
        text=consent.current_text("visitor-newsletter"),
    )


def test_a_visitors_address_in_the_ledger_becomes_a_hash_a_period_after_they_withdrew(settings):
    for address in ("left.long.ago@example.net", "left.lately@example.net", "stays@example.net"):
        subscribe(address)
    for address in ("left.long.ago@example.net", "left.lately@example.net"):
        newsletter.unsubscribe({"email": address})
    period = settings.RETENTION_CONSENT_ADDRESS_DAYS
    Consent.objects.exclude(email="left.lately@example.net").update(created=days_ago(period + 1))
    retention.enforce()
    assert sorted(Consent.objects.exclude(email="").values_list("email", flat=True)) == [
        "left.lately@example.net",
        "left.lately@example.net",
        "stays@example.net",
    ]
    reduced = Consent.objects.filter(email_hash=registry.keyed_hash("left.long.ago@example.net"))
    assert [row.granted for row in reduced.order_by("id")] == [True, False]
    # The history still counts for whoever types the address again, and a second run is idle.
    assert not consent.has_consent(consent.NEWSLETTER, email="left.long.ago@example.net")
    (rule,) = [r for r in registry.retention_rules() if r.key == "consent-addresses"]
    assert rule.expired_at(timezone.now()).count() == 0

"""Every row that holds an address in clear has a retention period (issue 11, P17, P18)."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import models
from django.utils import timezone

from forums.models import EmailAddressAdded, Report
from privacy import consent, registry
from privacy.models import Consent, Feedback, Sponsor
from privacy.newsletter import subscription
from privacy.registry import Retention
from privacy.retention import job

from ...factories import (
    FeedbackFactory,
    PostFactory,
    ResourceFactory,
    UserFactory,
    subscribe_to_newsletter,
)

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def test_a_visitors_address_in_the_ledger_becomes_a_hash_a_period_after_they_withdrew(settings):
    for address in ("left.long.ago@example.net", "left.lately@example.net", "stays@example.net"):
        subscribe_to_newsletter(email=address)
    for address in ("left.long.ago@example.net", "left.lately@example.net"):
        subscription.unsubscribe({"email": address})
    period = settings.RETENTION_CONSENT_ADDRESS_DAYS
    Consent.objects.exclude(email="left.lately@example.net").update(created=days_ago(period + 1))
    job.enforce()
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


def test_feedback_and_reports_never_closed_expire_after_their_periods(settings):
    old_feedback, new_feedback = FeedbackFactory(), FeedbackFactory()
    Feedback.objects.filter(pk=old_feedback.pk).update(
        created=days_ago(settings.RETENTION_OPEN_FEEDBACK_DAYS + 1)
    )
    post = PostFactory()
    old_report = Report.objects.create(post=post, reporter=UserFactory(), reason="Spam")
    new_report = Report.objects.create(post=post, reporter=UserFactory(), reason="Spam too")
    Report.objects.filter(pk=old_report.pk).update(
        created=days_ago(settings.RETENTION_OPEN_REPORT_DAYS + 1)
    )
    job.enforce()
    assert list(Feedback.objects.all()) == [new_feedback]
    assert list(Report.objects.all()) == [new_report]


def test_an_address_added_and_never_verified_goes_after_its_period(client, settings):
    member = UserFactory()
    client.force_login(member)
    client.post("/accounts/email/", {"action_add": "", "email": "second@example.net"})
    # With verification by code, one address waits for its code at a time: the third was
    # added and verified earlier.
    EmailAddress.objects.create(user=member, email="third@example.net", verified=True)
    EmailAddressAdded.objects.update(created=days_ago(settings.RETENTION_UNVERIFIED_EMAIL_DAYS + 1))
    job.enforce()
    assert sorted(member.emailaddress_set.values_list("email", flat=True)) == sorted(
        [member.email, "third@example.net"]
    )


def test_a_sponsors_contact_is_cleared_once_nothing_of_theirs_is_in_use(settings):
    gone, active = ResourceFactory(published=False).sponsor, ResourceFactory().sponsor
    Sponsor.objects.update(created=days_ago(settings.RETENTION_SPONSOR_CONTACT_DAYS + 1))
    job.enforce()
    gone.refresh_from_db(), active.refresh_from_db()
    assert (gone.contact_name, gone.contact_email) == ("", "")
    assert active.contact_email


def _cascades_from(model) -> list:
    """The models whose deletion deletes every row of `model` (a required CASCADE link)."""
    return [
        field.related_model
        for field in model._meta.concrete_fields
        if field.is_relation and not field.null and field.remote_field.on_delete is models.CASCADE
    ]


def test_every_field_holding_an_address_in_clear_has_a_retention_rule():
    """A rule that deletes, reduces or erases the row (or a row it cascades from), or clears
    that field. A model with an address and no rule fails here, by name."""
    now = timezone.now()
    ending = {}
    for rule in registry.retention_rules():
        model = rule.expired_at(now).model
        if rule.action == Retention.CLEAR:
            ending.setdefault(model, set()).update(rule.changes)
        else:
            ending.setdefault(model, set()).add("*")

    def covered(model, field_name, seen=()):
        if {"*", field_name} & ending.get(model, set()):
            return True
        return any(
            covered(parent, "*", (*seen, model))
            for parent in _cascades_from(model)
            if parent not in seen
        )

    missing = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.EmailField) and not covered(model, field.name)
    ]
    assert missing == []

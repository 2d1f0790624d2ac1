"""Nothing is deleted before its time (P17): every registered retention rule, one second before
and one second after its period ends.

The tests are parametrised over the registry, so a rule declared later is tested too: it only
needs a maker in MAKERS, a function that creates one row whose retention clock started at a
given moment (the row then expires at that moment plus the rule's period).
"""

import uuid
from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.utils import timezone

from forums.events.models import Answer, Registration
from forums.models import (
    EmailAddressAdded,
    ErasedUsername,
    ModerationAction,
    Report,
    SignIn,
    TopicRead,
    User,
)
from privacy import consent, registry
from privacy.models import (
    Breach,
    BreachDelivery,
    Consent,
    ConsentText,
    CookieConsentReceipt,
    DataExport,
    DataRequest,
    Disclosure,
    Feedback,
    Lead,
    Newsletter,
    NewsletterDelivery,
    ProcessingRestriction,
    Sponsor,
)
from privacy.registry import Retention
from privacy.requests import state
from privacy.retention import job

from ...factories import (
    EventFactory,
    FeedbackFactory,
    PostFactory,
    ResourceFactory,
    SponsorFactory,
    StaffFactory,
    UserFactory,
    ticket,
)
from ...forums.events.payment_helpers import RETENTION_MAKERS as PAID_TICKET_MAKERS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    """Resources and exports write files: into a temporary folder."""
    settings.MEDIA_ROOT = tmp_path


SECOND = timedelta(seconds=1)


def _superseded_consent(moment):
    member, text = UserFactory(), consent.current_text("signup-newsletter")
    grant = consent.record(
        user=member, purpose="newsletter", granted=True, source="signup", text=text
    )
    withdrawal = consent.record(
        user=member, purpose="newsletter", granted=False, source="unsubscribe", text=text
    )
    Consent.objects.filter(pk=grant.pk).update(created=moment)
    Consent.objects.filter(pk=withdrawal.pk).update(created=moment + SECOND)
    return grant


def _attendee(moment, needs=""):
    """A registration for an event that ended at `moment` (clocks start at the event's end)."""
    event = EventFactory(starts_at=moment - timedelta(hours=2), ends_at=moment)
    return Registration.objects.create(
        event=event,
        ticket_type=ticket(event),
        name="Attendee",
        email="attendee@example.org",
        status=Registration.Status.CONFIRMED,
        needs=needs,
        needs_consent_at=moment - timedelta(days=30) if needs else None,
    )


def _session(moment):
    return Session.objects.create(session_key=uuid.uuid4().hex, session_data="", expire_date=moment)


def _admin_log_entry(moment):
    return LogEntry.objects.create(
        user=StaffFactory(),
        content_type=ContentType.objects.get_for_model(User),
        object_id="1",
        object_repr="member1",
        action_flag=ADDITION,
        action_time=moment,
    )


def _newsletter_delivery(moment):
    newsletter = Newsletter.objects.create(subject="News", body="Hello.")
    return NewsletterDelivery.objects.create(
        newsletter=newsletter, email="reader@example.org", created=moment
    )


def _breach_notice(moment):
    breach = Breach.objects.create(summary="Lost", description="A laptop.")
    return BreachDelivery.objects.create(
        breach=breach, user=UserFactory(), email="member@example.org", created=moment
    )


def _replaced_cookie_receipt(moment):
    return CookieConsentReceipt.objects.create(
        consent_id=uuid.uuid4(),
        banner_text=ConsentText.objects.first(),
        created=moment - timedelta(days=1),
        replaced_at=moment,
    )


def _unverified_account(moment):
    member = UserFactory(verified=False)
    User.objects.filter(pk=member.pk).update(date_joined=moment)
    return member


def _inactive_account(moment):
    member = UserFactory()
    User.objects.filter(pk=member.pk).update(date_joined=moment, last_login=moment)
    return member


def _sign_in(moment):
    sign_in = SignIn.objects.create(user=UserFactory(), ip_address="192.0.2.1")
    SignIn.objects.filter(pk=sign_in.pk).update(created=moment)
    return sign_in


def _topic_read(moment):
    return TopicRead.objects.create(
        user=UserFactory(), topic=PostFactory().topic, last_read_position=2, updated=moment
    )


def _post_with_ip_address(moment):
    post = PostFactory(ip_address="198.51.100.7")
    type(post).objects.filter(pk=post.pk).update(created=moment)
    return post


def _resolved_report(moment):
    return Report.objects.create(
        post=PostFactory(),
        reporter=UserFactory(),
        reason="Spam.",
        status=Report.Status.DISMISSED,
        resolved=moment,
    )


def _moderation_action(moment):
    return ModerationAction.objects.create(
        moderator=StaffFactory(), action=ModerationAction.Action.PIN, created=moment
    )


def _lifted_restriction(moment):
    return ProcessingRestriction.objects.create(
        user=UserFactory(), started=moment - timedelta(days=1), lifted=moment
    )


def _member_request(**changes):
    request = state.create(kind=DataRequest.Kind.ACCESS, user=UserFactory())
    DataRequest.objects.filter(pk=request.pk).update(**changes)
    return request


def _unconfirmed_request(moment):
    request = state.create(kind=DataRequest.Kind.ACCESS, email="visitor@example.net")
    DataRequest.objects.filter(pk=request.pk).update(received=moment)
    return request


def _closed_request(moment):
    return _member_request(status=DataRequest.Status.COMPLETED, closed=moment)


def _closed_request_event(moment):
    return _closed_request(moment).events.first()


def _data_export(moment):
    request = _member_request()
    return DataExport.objects.create(request=request, user=request.user, created=moment)


def _lead(moment):
    return Lead.objects.create(
        resource=ResourceFactory(), name="Sam Lead", email="sam@example.net", created=moment
    )


def _sponsor_choice(moment):
    sponsor = SponsorFactory()
    row = consent.record(
        email="sam@example.net",
        purpose=f"sponsor:{sponsor.pk}",
        granted=True,
        source=Consent.Source.RESOURCE_FORM,
        text=consent.current_text("signup-newsletter"),
    )
    Consent.objects.filter(pk=row.pk).update(created=moment)
    return row


def _disclosure(moment):
    return Disclosure.objects.create(sponsor=SponsorFactory(), people=1, created=moment)


def _closed_feedback(moment):
    return FeedbackFactory(status=Feedback.Status.CLOSED, closed_at=moment)


def _published_feedback(moment):
    feedback = FeedbackFactory(for_publication=True, published_text="Remember filters.")
    Feedback.objects.filter(pk=feedback.pk).update(published_at=moment)
    return feedback


def _visitor_withdrawal(moment):
    for granted, when in ((True, moment - timedelta(days=1)), (False, moment)):
        row = consent.record(
            email="left@example.net",
            purpose=consent.NEWSLETTER,
            granted=granted,
            source=Consent.Source.UNSUBSCRIBE,
            text=consent.current_text("newsletter-unsubscribe"),
        )
        Consent.objects.filter(pk=row.pk).update(created=when)
    return row


def _open_feedback(moment):
    feedback = FeedbackFactory()
    Feedback.objects.filter(pk=feedback.pk).update(created=moment)
    return feedback


def _open_report(moment):
    return Report.objects.create(
        post=PostFactory(), reporter=UserFactory(), reason="Spam.", created=moment
    )


def _unverified_address(moment):
    address = UserFactory().emailaddress_set.create(email="second@example.net", verified=False)
    EmailAddressAdded.objects.filter(address=address).update(created=moment)
    return address


def _erased_username(moment):
    return ErasedUsername.objects.create(username_hash=registry.keyed_hash("gone"), erased=moment)


def _idle_sponsor(moment):
    sponsor = SponsorFactory()
    Sponsor.objects.filter(pk=sponsor.pk).update(created=moment)
    return sponsor


MAKERS = {
    "superseded-consents": _superseded_consent,
    "sessions": _session,
    "admin-log": _admin_log_entry,
    "newsletter-deliveries": _newsletter_delivery,
    "breach-notices": _breach_notice,
    "cookie-consent-receipts": _replaced_cookie_receipt,
    "unverified-accounts": _unverified_account,
    "inactive-accounts": _inactive_account,
    "sign-in-ip-addresses": _sign_in,
    "sign-ins": _sign_in,
    "topic-reads": _topic_read,
    "post-ip-addresses": _post_with_ip_address,
    "resolved-reports": _resolved_report,
    "moderation-log": _moderation_action,
    "lifted-processing-restrictions": _lifted_restriction,
    "unconfirmed-data-requests": _unconfirmed_request,
    "closed-data-requests": _closed_request,
    "closed-data-request-events": _closed_request_event,
    "data-exports": _data_export,
    "sponsor-leads-without-consent": _lead,
    "sponsor-leads": _lead,
    "sponsor-consents": _sponsor_choice,
    "sponsor-disclosures": _disclosure,
    "feedback": _closed_feedback,
    "published-feedback": _published_feedback,
    "consent-addresses": _visitor_withdrawal,
    "open-feedback": _open_feedback,
    "open-reports": _open_report,
    "unverified-email-addresses": _unverified_address,
    "erased-usernames": _erased_username,
    "sponsor-contacts": _idle_sponsor,
    "event-attendees": lambda moment: _attendee(moment),
    "event-needs": lambda moment: _attendee(moment, needs="A hearing loop"),
    "event-answers": lambda moment: Answer.objects.create(
        registration=_attendee(moment), question_text="Which talk?", text="The first"
    ),
    **PAID_TICKET_MAKERS,
}
RULES = registry.retention_rules()


def _expiring_row(rule):
    """A row whose period ended a day ago (so both moments tested are in the past)."""
    if rule.key not in MAKERS:
        pytest.fail(f"Add a maker for the retention rule {rule.key!r} to MAKERS in {__name__}.")
    start = timezone.now() - rule.period - timedelta(days=1)
    return MAKERS[rule.key](start), start + rule.period


def _snapshot(row):
    return type(row).objects.filter(pk=row.pk).values().first()


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.key)
def test_nothing_is_touched_one_second_before_the_period_ends(rule, mailoutbox):
    row, expiry = _expiring_row(rule)
    before = _snapshot(row)
    (run,) = job.enforce(expiry - SECOND, only=rule.key)
    assert (run.matched, run.changed, run.warned, run.error) == (0, 0, 0, "")
    assert _snapshot(row) == before
    assert mailoutbox == []


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.key)
def test_the_rule_acts_one_second_after_the_period_ends(rule, mailoutbox):
    row, expiry = _expiring_row(rule)
    before = _snapshot(row)
    (run,) = job.enforce(expiry + SECOND, only=rule.key)
    assert run.error == ""
    if rule.action == Retention.ERASE_MEMBER:
        # First the warning; the erasure's own boundary is in test_retention.py.
        assert run.warned == 1 and [m.to for m in mailoutbox] == [[row.email]]
        return
    assert run.matched >= 1 and run.changed >= 1
    after = _snapshot(row)
    assert after != before
    if rule.action == Retention.DELETE:
        assert after is None
    else:
        fields = type(row)._meta
        assert all(
            after[fields.get_field(name).attname] == value for name, value in rule.changes.items()
        )
    assert not rule.expired_at(expiry + SECOND).filter(pk=row.pk).exists()

"""Erasure leaves nothing (issue 11, P9, P13, P18): the consent ledger."""

import pytest

from privacy import consent, newsletter, registry, requests
from privacy.models import Consent, DataRequest, Newsletter
from tests.factories import UserFactory

Kind = DataRequest.Kind
pytestmark = pytest.mark.django_db


def subscribe_by_address(address):
    consent.record(
        email=address,
        purpose=consent.NEWSLETTER,
        granted=True,
        source=Consent.Source.DOUBLE_OPT_IN,
        text=consent.current_text("visitor-newsletter"),
    )


def erase(subject, *, keep_posts=True):
    """The real path: the request, its confirmation, the staff action, the task's work."""
    if isinstance(subject, str):
        request = requests.create(kind=Kind.ERASURE, email=subject)
        requests.confirm(request)
        requests.carry_out_erasure(request)
    else:
        request = requests.create(kind=Kind.ERASURE, user=subject, keep_posts=keep_posts)
    requests.erase(request.pk)


def next_newsletter_recipients(mailoutbox):
    mailoutbox.clear()
    item = Newsletter.objects.create(
        subject="News", body="Hello.", status=Newsletter.Status.SENDING
    )
    newsletter.send(item.pk)
    return [message.to[0] for message in mailoutbox]


# The consent ledger (P9, P18)


def test_a_visitors_erasure_ends_their_newsletter_grant_and_keeps_only_a_hash(mailoutbox):
    subscribe_by_address("Visitor@Example.net")
    subscribe_by_address("someone.else@example.net")
    erase("visitor@example.net")
    assert next_newsletter_recipients(mailoutbox) == ["someone.else@example.net"]
    rows = Consent.objects.filter(email_hash=registry.keyed_hash("visitor@example.net"))
    assert [(row.granted, row.source) for row in rows.order_by("created", "id")] == [
        (True, Consent.Source.DOUBLE_OPT_IN),
        (False, Consent.Source.ERASURE),
    ]
    assert not Consent.objects.filter(email__iexact="visitor@example.net").exists()


def test_a_members_erasure_does_not_revive_the_grant_they_gave_as_a_visitor(mailoutbox):
    subscribe_by_address("joined.later@example.net")
    member = UserFactory(email="joined.later@example.net")
    erase(member)
    assert next_newsletter_recipients(mailoutbox) == []
    assert not Consent.objects.filter(email="joined.later@example.net").exists()


def test_a_members_erasure_ends_grants_at_every_verified_address_of_the_account(mailoutbox):
    member = UserFactory()
    member.emailaddress_set.create(email="old.job@example.net", verified=True)
    member.emailaddress_set.create(email="not.proven@example.net", verified=False)
    subscribe_by_address("old.job@example.net")
    subscribe_by_address("not.proven@example.net")  # perhaps someone else's: not the member's
    erase(member)
    assert next_newsletter_recipients(mailoutbox) == ["not.proven@example.net"]


def test_the_erased_history_still_stops_an_old_confirmation_link(client, mailoutbox):
    newsletter.request_subscription("visitor@example.net")
    token = mailoutbox[-1].body.split("/privacy/newsletter/confirm/")[1].split("/")[0]
    client.post(f"/privacy/newsletter/confirm/{token}/")
    assert consent.has_consent(consent.NEWSLETTER, email="visitor@example.net")
    erase("visitor@example.net")
    response = client.post(f"/privacy/newsletter/confirm/{token}/")  # sent before the erasure
    assert response.context["outcome"] == newsletter.Outcome.STALE.value
    assert next_newsletter_recipients(mailoutbox) == []

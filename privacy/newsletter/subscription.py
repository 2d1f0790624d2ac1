"""Subscribing and unsubscribing (P9, P11): visitors' double opt-in, where nothing is stored
until the address is confirmed, and the signed one-click unsubscribe link of every newsletter."""

import enum
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse

from community.celery import enqueue

from .. import consent, emails
from ..models import Consent, ConsentText
from ..stats import count_feature

SUBSCRIBE_SALT = "privacy.newsletter.subscribe"
UNSUBSCRIBE_SALT = "privacy.newsletter.unsubscribe"
VISITOR_TEXT_KEY = "visitor-newsletter"
UNSUBSCRIBE_TEXT_KEY = "newsletter-unsubscribe"


class Outcome(enum.Enum):
    DONE = "done"
    ALREADY = "already"  # subscribed already / not subscribed in the first place
    STALE = "stale"  # a confirmation link older than the person's latest choice
    EXPIRED = "expired"
    INVALID = "invalid"


# Visitors: double opt-in. Nothing is stored until the address is confirmed.


def request_subscription(email: str) -> None:
    """Queue the email with the confirmation link (a task sends it, after commit, not the web
    request); the address is subscribed only when the link is followed."""
    text = consent.current_text(VISITOR_TEXT_KEY)  # the wording the visitor saw
    enqueue("privacy.send_newsletter_confirmation", consent.normalise_email(email), text.pk)


def send_confirmation(email: str, text_id: int) -> None:
    """The confirmation email itself (task `privacy.send_newsletter_confirmation`): the link
    carries the address and the wording shown, so nothing is stored before it is followed."""
    payload = {"e": email, "t": text_id, "at": int(time.time())}
    token = signing.dumps(payload, salt=SUBSCRIBE_SALT)
    url = emails.absolute_url(reverse("privacy:newsletter_confirm", args=[token]))
    days = settings.RETENTION_UNCONFIRMED_DAYS
    emails.build("newsletter_confirm", payload["e"], {"url": url, "days": days}).send()


def confirm_subscription(token: str) -> Outcome:
    max_age = settings.RETENTION_UNCONFIRMED_DAYS * 24 * 3600
    try:
        payload = signing.loads(token, salt=SUBSCRIBE_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return Outcome.EXPIRED
    except signing.BadSignature:
        return Outcome.INVALID
    email = payload["e"]
    # The address is proven: if it is a member's, the consent is the member's.
    member = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    who = {"user": member} if member else {"email": email}
    with transaction.atomic():
        latest = consent.latest(consent.NEWSLETTER, **who)
        if latest and latest.granted:
            return Outcome.ALREADY
        if latest and latest.created.timestamp() > payload["at"]:
            return Outcome.STALE
        consent.record(
            purpose=consent.NEWSLETTER,
            granted=True,
            source=Consent.Source.DOUBLE_OPT_IN,
            text=ConsentText.objects.get(pk=payload["t"]),
            **who,
        )
    count_feature("newsletter-signup")
    return Outcome.DONE


# Unsubscribing: a signed token bound to one member or address and to this purpose.


def unsubscribe_token(*, user_id: int | None = None, email: str = "") -> str:
    payload = {"u": user_id} if user_id else {"e": consent.normalise_email(email)}
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(**who) -> str:
    return emails.absolute_url(reverse("privacy:unsubscribe", args=[unsubscribe_token(**who)]))


def read_unsubscribe_token(token: str) -> dict | None:
    """`{"user": member}` or `{"email": address}`, or None for a forged or broken token."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if "u" in payload:
        member = get_user_model().objects.filter(pk=payload["u"]).first()
        return {"user": member} if member else None
    return {"email": payload["e"]}


def unsubscribe(who: dict) -> Outcome:
    """Record a withdrawal, unless the person is not subscribed."""
    if not consent.has_consent(consent.NEWSLETTER, **who):
        return Outcome.ALREADY
    consent.record(
        purpose=consent.NEWSLETTER,
        granted=False,
        source=Consent.Source.UNSUBSCRIBE,
        text=consent.current_text(UNSUBSCRIBE_TEXT_KEY),
        **who,
    )
    return Outcome.DONE

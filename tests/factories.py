import time
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth.models import Group
from django.test import TestCase
from django.utils import timezone

from forums.models import Category, Post, Topic, User
from forums.posting import reply, start_topic
from privacy import consent
from privacy.models import Consent

PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A member who has verified their email address and can sign in with PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    @factory.post_generation
    def second_factor(user, create, extracted, **kwargs):
        """`UserFactory(second_factor=True)`: with an authenticator app set up."""
        if create and extracted:
            add_second_factor(user)


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class ModeratorFactory(UserFactory):
    """A member of the Moderators group (created by a data migration), with admin access."""

    is_staff = True

    @factory.post_generation
    def moderators_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name="Moderators"))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    description = "Talk about this and that."


class TopicFactory(factory.Factory):
    """A topic with its first post, made by the site's own function so counters are right."""

    class Meta:
        model = Topic

    category = factory.SubFactory(CategoryFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Topic number {n}")
    source = "The first post of the topic."
    ip_address = "203.0.113.5"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return start_topic(**kwargs)


class PostFactory(factory.Factory):
    """A reply, made by the site's own function."""

    class Meta:
        model = Post

    topic = factory.SubFactory(TopicFactory)
    author = factory.SubFactory(UserFactory)
    source = factory.Sequence(lambda n: f"Reply number {n}.")
    ip_address = "198.51.100.7"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return reply(**kwargs)


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "privacy.Sponsor"

    name = factory.Sequence(lambda n: f"Sponsor {n} Ltd")
    contact_name = "Leads desk"
    contact_email = factory.Sequence(lambda n: f"leads{n}@sponsor.example")
    privacy_notice_url = "https://sponsor.example/privacy"


class ResourceFactory(factory.django.DjangoModelFactory):
    """A published report with a small file (tests point MEDIA_ROOT at a temporary folder)."""

    class Meta:
        model = "privacy.Resource"

    sponsor = factory.SubFactory(SponsorFactory)
    kind = "report"
    title = factory.Sequence(lambda n: f"Benchmark report {n}")
    slug = factory.Sequence(lambda n: f"benchmark-report-{n}")
    summary = "Numbers from **many** contact centres."
    file = factory.django.FileField(filename="report.pdf", data=b"%PDF-1.4 the report")
    published = True


class SponsorQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "privacy.SponsorQuestion"

    resource = factory.SubFactory(ResourceFactory)
    text = factory.Sequence(lambda n: f"Question {n}?")
    kind = "text"


class EventFactory(factory.django.DjangoModelFactory):
    """A published event starting in a week, for two hours, with a free ticket type (see
    `ticket` below) unless `tickets=False`."""

    class Meta:
        model = "events.Event"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Community meetup {n}")
    slug = factory.Sequence(lambda n: f"community-meetup-{n}")
    description = "Talks and **coffee**."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=2))
    time_zone = "Europe/London"
    venue = "1 Example Street, London"
    capacity = 50
    published = True

    @factory.post_generation
    def tickets(event, create, extracted, **kwargs):
        if create and extracted is not False:
            TicketTypeFactory(event=event, quantity=event.capacity)


class TicketTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.TicketType"

    event = factory.SubFactory(EventFactory, tickets=False)
    name = "Standard"
    price = 0
    quantity = 50


def ticket(event):
    """The event's first ticket type."""
    return event.ticket_types.order_by("position", "id").first()


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "privacy.Feedback"

    kind = "feedback"
    name = "Sam Visitor"
    email = factory.Sequence(lambda n: f"sender{n}@example.net")
    message = "The search could remember my filters."


def subscribe_to_newsletter(*, user=None, email: str = "") -> Consent:
    """A newsletter opt-in in the ledger: a member's given at sign-up, or a visitor's confirmed
    address (double opt-in)."""
    return consent.record(
        user=user,
        email=email,
        purpose=consent.NEWSLETTER,
        granted=True,
        source=Consent.Source.SIGNUP if user else Consent.Source.DOUBLE_OPT_IN,
        text=consent.current_text("signup-newsletter" if user else "visitor-newsletter"),
    )


def authenticator_code(secret: str) -> str:
    """The code an authenticator app shows now. Near the end of a 30-second period it waits for
    the next one, so the code is not already stale when the server checks it."""
    period = 30
    left = period - time.time() % period
    if left < 2:
        time.sleep(left)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def add_second_factor(user) -> None:
    """An authenticator app set up for the member, as staff need before they may act (P7).
    Committed, as on the site: a browser they signed in with sees it at its next request, as
    the member kept beside its session is read again (forums.sessions)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        TOTP.activate(user, generate_totp_secret())

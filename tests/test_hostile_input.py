"""Every form the site serves survives hostile input (the class test for server errors).

The test walks every URL pattern of the site (reversed with real objects and tokens), opens each
page as a visitor, a signed-in member and a moderator, reads every form (<form method="post">,
and GET forms such as the search) with its fields and defaults, and sends hostile values into
every field (hidden ones, buttons and choices too), the other fields keeping their page
defaults. No answer may be a server error or show a traceback or our <script>, and nothing may
be stored that should not be. A new URL pattern is either reversed below or excluded, with the
reason.
"""

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.apps import apps
from django.core import signing
from django.core.cache import cache
from django.db import models
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from forums.events import links as event_links
from forums.events import registration as event_registration
from forums.events.models import Question
from forums.notifications import MENTIONS_OFF_SALT, switch_off_token
from privacy import consent
from privacy.models import Consent, DataRequest
from privacy.newsletter import subscription
from privacy.requests import links, state
from privacy.sponsors import services as sponsors

from .factories import (
    PASSWORD,
    CategoryFactory,
    EventFactory,
    ModeratorFactory,
    PostFactory,
    ResourceFactory,
    SponsorFactory,
    SponsorQuestionFactory,
    TopicFactory,
    UserFactory,
    authenticator_code,
    ticket,
)
from .forums.events.payment_helpers import hostile_input_order
from .html_forms import forms_in

pytestmark = pytest.mark.django_db

HOSTILE = {
    "empty": "",
    "100k": "x" * 100_000,
    "nul": "a\x00b",
    "sql": "'; DROP TABLE x; --",
    "script": "<script>alert(1)</script>",
    "rtl-zero-width": "\u202etxt.exe\u200b\u200d\ufeff",
    "minus-one": "-1",
    "40-digits": "9" * 40,
    "bad-date": "2026-02-30",
    "path": "../../etc/passwd",
    "format": "%s%n",
    "emoji": "\U0001f600" * 500,
}
# Each field alone gets these; all fields at once get every value.
NASTIEST = ["100k", "nul", "minus-one", "40-digits"]
HUGE = len(HOSTILE["100k"])
MODERATOR_SECRET = generate_totp_secret()

# URL patterns not walked, and why.
EXCLUDED = {
    "admin:": "the staff tool: Django's admin forms, reached only by staff with a second factor",
}


@dataclass
class World:
    member: object
    moderator: object
    other: object
    category: object
    topic: object
    own_post: object
    other_post: object
    resource: object
    data_request: object
    unverified: object
    newsletter_token: str
    visitor_request: object
    event: object


@pytest.fixture
def fast_passwords(settings):
    """Many forms check a password (sign-in, re-authentication, erasure): a fast hash keeps the
    walk quick. Set before any account is made, so their passwords use it too."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(fast_passwords, mailoutbox, eager_tasks, django_capture_on_commit_callbacks):
    member, other = UserFactory(), UserFactory()
    # Staff sign in with a second factor; moderators see the moderation forms on the site.
    moderator = ModeratorFactory()
    TOTP.activate(moderator, MODERATOR_SECRET)
    category = CategoryFactory()
    topic = TopicFactory(category=category, author=member)
    other_post = PostFactory(topic=topic, author=other)
    resource = ResourceFactory()
    SponsorQuestionFactory(resource=resource)
    consent.record(  # so that /privacy/my-data/ offers to withdraw it
        user=member,
        purpose=sponsors.purpose(resource.sponsor),
        granted=True,
        source=Consent.Source.RESOURCE_FORM,
        text=sponsors.consent_text(resource.sponsor),
    )
    unverified = EmailAddress.objects.create(
        user=other, email="second@example.org", verified=False, primary=False
    )
    with django_capture_on_commit_callbacks(execute=True):  # a task sends the link
        subscription.request_subscription("visitor@example.org")
    confirm_link = re.search(r"/privacy/newsletter/confirm/([^/\s]+)/", mailoutbox[-1].body)
    return World(
        member=member,
        moderator=moderator,
        other=other,
        category=category,
        topic=topic,
        own_post=topic.posts.get(position=1),
        other_post=other_post,
        resource=resource,
        data_request=state.create(kind=DataRequest.Kind.OBJECTION, user=member),
        unverified=unverified,
        newsletter_token=confirm_link.group(1),
        visitor_request=state.create(kind=DataRequest.Kind.ACCESS, email="visitor@example.org"),
        event=_event_with_registrations(member),
    )


def _event_with_registrations(member):
    """An event with a question and a sponsor, the member's registration (with its sponsor
    consent) and a visitor's, waiting for their address to be confirmed."""
    event = EventFactory(sponsor=SponsorFactory())
    Question.objects.create(event=event, text="Which talk?", required=True)
    details = {"name": "Member", "email": member.email}
    event_registration.register(event, ticket(event), user=member, details=details)
    event_registration.register(
        event, ticket(event), user=None, details={"name": "Visitor", "email": "v@example.org"}
    )
    return event


def _event_token(world, *, visitor=False, salt=event_links.MANAGE_SALT):
    found = world.event.registrations.get(user__isnull=visitor)
    return signing.dumps({"r": found.pk, "c": found.code}, salt=salt)


# How to reverse each URL pattern that takes arguments.
ARGUMENTS = {
    "category": lambda w: {"slug": w.category.slug},
    "feed_category": lambda w: {"slug": w.category.slug},
    "feed_topic": lambda w: {"pk": w.topic.pk, "slug": w.topic.slug},
    "new_topic": lambda w: {"slug": w.category.slug},
    "topic": lambda w: {"pk": w.topic.pk, "slug": w.topic.slug},
    "topic_moderate": lambda w: {"pk": w.topic.pk, "slug": w.topic.slug},
    "post_edit": lambda w: {"pk": w.own_post.pk},
    "post_report": lambda w: {"pk": w.other_post.pk},
    "post_moderate": lambda w: {"pk": w.other_post.pk},
    "profile": lambda w: {"username": w.other.username},
    "notifications_off": lambda w: {"token": switch_off_token(w.member)},
    "mention_notifications_off": lambda w: {"token": switch_off_token(w.member, MENTIONS_OFF_SALT)},
    # A security key is made only by a browser's authenticator (tests/browser/test_passkeys.py):
    # here these pages are asked about one that is not there.
    "mfa_edit_webauthn": lambda w: {"pk": 2**31 - 1},
    "mfa_remove_webauthn": lambda w: {"pk": 2**31 - 1},
    "account_reset_password_from_key": lambda w: {
        "uidb36": user_pk_to_url_str(w.other),
        "key": default_token_generator.make_token(w.other),
    },
    "privacy:newsletter_confirm": lambda w: {"token": w.newsletter_token},
    "privacy:unsubscribe": lambda w: {
        "token": subscription.unsubscribe_token(email="visitor@example.org")
    },
    "privacy:withdraw_request": lambda w: {"pk": w.data_request.pk},
    # No export is built here: the page is visited for its answer to a valid-looking token.
    "privacy:export_download": lambda w: {"token": signing.dumps(0, salt=links.EXPORT_SALT)},
    "privacy:request_confirm": lambda w: {
        "token": links.confirmation_url(w.visitor_request).rstrip("/").rsplit("/", 1)[1]
    },
    "resources:withdraw": lambda w: {"pk": w.resource.sponsor.pk},
    "resources:detail": lambda w: {"slug": w.resource.slug},
    "resources:access": lambda w: {
        "slug": w.resource.slug,
        "token": sponsors.access_token(w.resource),
    },
    # Paid tickets: the member's order and its payment; an invoice number that is not theirs.
    "events:order": lambda w: {"pk": hostile_input_order(w.member).pk},
    "events:payment": lambda w: {
        "pk": hostile_input_order(w.member).pk,
        "token": hostile_input_order(w.member).payments.get().token,
    },
    "events:order_document": lambda w: {
        "pk": hostile_input_order(w.member).pk,
        "number": "2026-000001",
    },
    "events:pay": lambda w: {
        "token": event_manage_token(hostile_input_order(w.member).registrations.get())
    },
    "payments:process": lambda w: {"token": hostile_input_order(w.member).payments.get().token},
    "payments:webhook": lambda w: {"variant": "default"},
    "resources:download": lambda w: {
        "slug": w.resource.slug,
        "token": sponsors.access_token(w.resource),
    },
    "events:detail": lambda w: {"slug": w.event.slug},
    "events:calendar": lambda w: {"slug": w.event.slug},
    "events:attendees": lambda w: {"slug": w.event.slug},
    "events:check_in": lambda w: {"slug": w.event.slug},
    "events:confirm": lambda w: {
        "token": _event_token(w, visitor=True, salt=event_links.CONFIRM_SALT)
    },
    "events:registration": lambda w: {"token": _event_token(w)},
    "events:cancel": lambda w: {"token": _event_token(w)},
    "events:claim": lambda w: {"token": _event_token(w)},
    "events:stop_sponsor": lambda w: {"token": _event_token(w)},
}


def event_manage_token(registration) -> str:
    return event_links.manage_url(registration, absolute=False).rstrip("/").rsplit("/", 1)[1]


def url_names(patterns=None, namespace="", included_with_arguments=False):
    """(name, takes arguments) of every named URL pattern outside EXCLUDED; a pattern takes
    arguments if it or an include() above it does."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        takes_arguments = included_with_arguments or bool(pattern.pattern.regex.groups)
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            if inner not in EXCLUDED:
                yield from url_names(pattern.url_patterns, inner, takes_arguments)
        elif pattern.name:
            yield namespace + pattern.name, takes_arguments


def page_urls(world) -> list[str]:
    urls, missing = [], []
    for name, takes_arguments in url_names():
        if takes_arguments and name not in ARGUMENTS:
            missing.append(name)
        else:
            urls.append(reverse(name, kwargs=ARGUMENTS[name](world) if takes_arguments else {}))
    assert missing == [], "Give these URL patterns arguments in ARGUMENTS, or add to EXCLUDED"
    return urls


class Visitor:
    def __init__(self):
        self.client = Client(raise_request_exception=False)

    def signed_in(self) -> Client:
        return self.client


class Member(Visitor):
    def __init__(self, user, totp_secret: str = ""):
        super().__init__()
        self.user = user
        self.totp_secret = totp_secret

    def signed_in(self) -> Client:
        """Signed in again after a page or form that signs out (log-out, password reset),
        through the sign-in and re-authentication forms, so that the pages wanting a recent
        password (two-factor set-up) open too."""
        if "_auth_user_id" not in self.client.session:
            cache.clear()  # the sign-in's own rate limit
            credentials = {"login": self.user.username, "password": PASSWORD}
            self.client.post(reverse("account_login"), credentials)
            if self.totp_secret:
                code = authenticator_code(self.totp_secret)
                self.client.post(reverse("mfa_authenticate"), {"code": code})
            self.client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
            assert "_auth_user_id" in self.client.session
        return self.client


def forms_on(role, urls):
    """{(method, action, field names): form} of every form on these pages, as this role sees
    them. The cookie banner on every page is one form, not one per page."""
    found = {}
    for url in urls:
        response = role.signed_in().get(url, follow=True)
        assert problems_with(response) == "", url
        if not response["Content-Type"].startswith("text/html"):
            continue
        here = response.request["PATH_INFO"]
        for form in forms_in(response.content.decode()):
            action = urljoin(here, form.action or here)
            if not urlsplit(action).netloc:
                key = (form.method, urlsplit(action).path, tuple(form.names()))
                found.setdefault(key, form)
    return found


def submissions(form):
    """(field, value label, data) to post: every value in every field at once, then the
    nastiest values in each field alone, the others at their defaults."""
    defaults = form.defaults()
    fields = [name for name in form.names() if name != "csrfmiddlewaretoken"]
    for label, value in HOSTILE.items():
        yield "every field", label, {**defaults, **{name: value for name in fields}}
    for name in fields:
        for label in NASTIEST:
            yield name, label, {**defaults, name: HOSTILE[label]}


def problems_with(response) -> str:
    if response.status_code >= 500:
        error = getattr(response, "exc_info", None)
        return f"{response.status_code} {error[1]!r:.300}" if error else str(response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if b"Traceback" in body:
        return "shows a traceback"
    if HOSTILE["script"].encode() in body:
        return "shows the posted <script> unescaped"
    return ""


def stored_problems() -> list[str]:
    """Every text the database holds: no NUL byte, nothing longer than its field allows, and
    the 100,000-character value nowhere (no field of the site should take that much)."""
    found = []
    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        for row in model._default_manager.values("pk", *text_fields):
            for name in text_fields:
                value = row[name] if isinstance(row[name], str) else repr(row[name])
                limit = model._meta.get_field(name).max_length
                if "\x00" in value or len(value) >= HUGE or (limit and len(value) > limit):
                    found.append(f"{model._meta.label}.{name} (pk {row['pk']})")
    return found


def test_every_form_survives_hostile_input(world):
    urls = page_urls(world)
    failures = []
    for role in (Visitor(), Member(world.member), Member(world.moderator, MODERATOR_SECRET)):
        for (method, action, _), form in forms_on(role, urls).items():
            for field, label, data in submissions(form):
                cache.clear()  # rate limits would stop the values before the form reads them
                send = role.signed_in().post if method == "post" else role.signed_in().get
                problem = problems_with(send(action, data))
                if problem:
                    who = getattr(role, "user", "visitor")
                    failures.append(f"{who} {method} {action} {field}={label}: {problem}")
    assert failures == []
    assert stored_problems() == []

"""Anti-spam without tracking (community/antispam.py): every form for visitors' and members' free
text carries a signed "shown at" stamp and a honeypot, and a robot's way of sending it (at once,
without the stamp, with a stamp of another form, with the hidden box filled) gets a calm error,
stores nothing, and gets a fresh stamp so that a person can simply send again.

These tests use the real rules (`strict_antispam`); the rest of the suite posts without the
fields (tests/conftest.py).
"""

import importlib
import pkgutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urljoin

import pytest
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core import signing
from django.test import Client
from django.urls import reverse

import community
import forums
import privacy
from community import antispam
from forums.events.models import Registration
from forums.models import Post, Report, Topic, User
from privacy.models import DataRequest, Feedback, Lead

from .factories import EventFactory, PostFactory, ResourceFactory, TopicFactory, UserFactory
from .html_forms import forms_in

pytestmark = pytest.mark.django_db

# Forms with free-text fields that do not carry the anti-spam fields, and why.
EXEMPT = {
    "forums.forms.PreviewForm": "the composer's live preview: renders text, stores nothing",
    "forums.forms.SearchForm": "a GET form that stores nothing",
    "forums.forms.TopicModerationForm": "moderators only, who have a second factor",
    "forums.forms.PostModerationForm": "moderators only, who have a second factor",
    "forums.account_forms.LoginForm": "signs in: allauth's rate limits stop guessing",
    "privacy.requests.forms.ErasureForm": "a member's own erasure, confirmed with the password",
    "forums.events.forms.CheckInForm": "staff with the attendee permission, at the door",
    "forums.events.order_forms.PaymentChoiceForm": (
        "the buyer's own held order, reached after a registration that carried the check"
    ),
}
# Whole modules of forms that only staff see, in the admin behind a second factor (besides
# every admin.py and admin_forms.py).
STAFF_ONLY_MODULES = {"privacy.breaches.forms"}


def project_form_classes() -> list[type]:
    """Every Form class defined in the project's packages, staff-only admin modules aside."""
    for package in (community, forums, privacy):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if not module.name.endswith(("admin", "admin_app", "migrations")):
                if ".migrations." not in module.name and ".management." not in module.name:
                    importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.split(".")[0] in ("community", "forums", "privacy"):
            staff_only = cls.__module__.endswith((".admin", ".admin_forms"))
            if not staff_only and cls.__module__ not in STAFF_ONLY_MODULES:
                found.append(cls)
    return found


def takes_free_text(form_class) -> bool:
    return any(
        isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)
        for name, field in form_class.base_fields.items()
        if name not in (antispam.STAMP_FIELD, antispam.HONEYPOT_FIELD)
    )


def test_every_form_for_free_text_carries_the_anti_spam_fields():
    classes = project_form_classes()
    assert len(classes) > 10  # the walk found the project's forms
    missing = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in classes
        if takes_free_text(cls)
        and not issubclass(cls, antispam.AntiSpamMixin)
        and f"{cls.__module__}.{cls.__qualname__}" not in EXEMPT
    ]
    assert missing == [], "Add community.antispam.AntiSpamMixin, or list in EXEMPT with why"
    # The sign-up form is allauth's, built on ours (ACCOUNT_SIGNUP_FORM_CLASS).
    assert issubclass(AllauthSignupForm, antispam.AntiSpamMixin)


@dataclass
class Case:
    url: Callable  # (world) -> the page with the form
    filled: dict  # what a person types
    happened: Callable  # (world) -> whether the form did its work
    who: str = "visitor"  # or "member"


CASES = {
    "sign-up": Case(
        lambda w: "/accounts/signup/",
        {
            "username": "newcomer",
            "email": "newcomer@example.org",
            "password1": "quiet-harbour-lantern-9",
            "password2": "quiet-harbour-lantern-9",
            "accept_terms": "on",
        },
        lambda w: User.objects.filter(username="newcomer").exists(),
    ),
    "new topic": Case(
        lambda w: reverse("new_topic", args=[w.topic.category.slug]),
        {"title": "Shift patterns that work", "source": "What do you use?"},
        lambda w: Topic.objects.filter(title="Shift patterns that work").exists(),
        "member",
    ),
    "reply": Case(
        lambda w: w.topic.get_absolute_url(),
        {"source": "We rotate every four weeks."},
        lambda w: Post.objects.filter(source="We rotate every four weeks.").exists(),
        "member",
    ),
    "report": Case(
        lambda w: reverse("post_report", args=[w.topic.posts.get().pk]),
        {"reason": "It advertises a casino."},
        lambda w: Report.objects.exists(),
        "member",
    ),
    "profile": Case(
        lambda w: reverse("account_overview"),
        {"bio": "Team lead in Leeds."},
        lambda w: User.objects.filter(bio="Team lead in Leeds.").exists(),
        "member",
    ),
    "member request": Case(
        lambda w: reverse("privacy:my_data"),
        {"kind": "objection", "details": "No profiling, please."},
        lambda w: DataRequest.objects.filter(details="No profiling, please.").exists(),
        "member",
    ),
    "newsletter": Case(
        lambda w: reverse("privacy:newsletter"),
        {"email": "reader@example.org"},
        lambda w: len(w.mailbox) == 1,
    ),
    "visitor request": Case(
        lambda w: reverse("privacy:request_new"),
        {"email": "asker@example.org", "kind": "access"},
        lambda w: len(w.mailbox) == 1,
    ),
    "feedback": Case(
        lambda w: reverse("feedback:send"),
        {"kind": "feedback", "message": "Lovely forum.", "email": "fan@example.org"},
        lambda w: Feedback.objects.exists(),
    ),
    "sponsored resource": Case(
        lambda w: w.resource.get_absolute_url(),
        {"name": "Ada Reader", "email": "ada@example.org"},
        lambda w: Lead.objects.count() == 1,
    ),
    "event registration": Case(
        lambda w: w.event.get_absolute_url(),
        {"name": "Ada Reader", "email": "ada@example.org"},
        lambda w: Registration.objects.filter(email="ada@example.org").exists(),
    ),
}


@pytest.fixture
def world(strict_antispam, mailoutbox, eager_tasks):
    return SimpleNamespace(
        mailbox=mailoutbox,
        member=UserFactory(),
        topic=TopicFactory(author=UserFactory()),
        resource=ResourceFactory(),
        event=EventFactory(),
    )


def anti_spam_form(html: str):
    return next(f for f in forms_in(html) if antispam.STAMP_FIELD in f.names())


def client_for(case, world) -> Client:
    client = Client()
    if case.who == "member":
        client.force_login(world.member)
    return client


def page_form(client, url, filled) -> tuple[str, dict]:
    """The page's form holding these fields, as a browser would send it filled in."""
    html = client.get(url).content.decode()
    form = next(f for f in forms_in(html) if set(filled) <= set(f.names()))
    data = {**form.defaults(), **filled}
    data.pop("preview", None)  # the composer's second button: send, not preview
    return urljoin(url, form.action or url), data


@pytest.fixture
def later(monkeypatch):
    """Move the anti-spam clock on by `seconds`, as if the person took that long."""

    def move(seconds):
        shown = time.time()
        monkeypatch.setattr(antispam, "time", SimpleNamespace(time=lambda: shown + seconds))

    return move


@pytest.mark.parametrize("name", CASES)
def test_a_form_sent_back_at_once_is_refused_calmly_and_stores_nothing(name, world):
    case = CASES[name]
    client = client_for(case, world)
    action, data = page_form(client, case.url(world), case.filled)
    response = client.post(action, data)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "quicker than we expect from a person" in html
    assert not case.happened(world)
    # Shown again with a fresh stamp and what the person typed, ready to send again.
    again = anti_spam_form(html).defaults()
    assert again[antispam.STAMP_FIELD] != data[antispam.STAMP_FIELD]
    for field, value in case.filled.items():
        if field not in ("password1", "password2"):
            assert again[field] == [value]


@pytest.mark.parametrize("name", CASES)
def test_a_person_who_takes_a_few_seconds_gets_through(
    name, world, later, django_capture_on_commit_callbacks
):
    case = CASES[name]
    client = client_for(case, world)
    action, data = page_form(client, case.url(world), case.filled)
    later(4)
    with django_capture_on_commit_callbacks(execute=True):  # the emails go after commit
        response = client.post(action, data)
    assert response.status_code in (200, 302)  # a redirect, or a "check your inbox" page
    assert case.happened(world)


def test_a_person_resends_the_refused_form_and_it_goes_through(world, later):
    client = Client()
    url = reverse("feedback:send")
    refused = client.post(url, page_form(client, url, CASES["feedback"].filled)[1])
    form = anti_spam_form(refused.content.decode())
    later(4)
    assert client.post(url, form.defaults()).status_code == 302
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize(
    "tamper, message",
    [
        ({antispam.HONEYPOT_FIELD: "https://casino.example"}, "A box meant to stay empty"),
        ({antispam.STAMP_FIELD: ""}, "could not be checked"),
        ({antispam.STAMP_FIELD: "1700000000.0"}, "could not be checked"),
        ({antispam.STAMP_FIELD: "x" * 5000}, "could not be checked"),
        # A valid stamp of another form (the newsletter's) does not serve this one.
        (
            {antispam.STAMP_FIELD: antispam.issue("community.antispam:other", at=0)},
            "could not be checked",
        ),
    ],
)
def test_robots_ways_of_filling_in_are_refused_with_a_message(tamper, message, world, later):
    client = Client()
    url = reverse("feedback:send")
    _, data = page_form(client, url, CASES["feedback"].filled)
    later(60)
    response = client.post(url, {**data, **tamper})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert not Feedback.objects.exists()
    # The honeypot is shown empty again, whatever was sent in it.
    again = anti_spam_form(html).defaults()
    assert again[antispam.HONEYPOT_FIELD] == [""]


def test_leaving_the_fields_out_is_refused(world):
    response = Client().post(reverse("feedback:send"), CASES["feedback"].filled)
    assert "could not be checked" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_form_left_open_past_the_maximum_is_refused(world, monkeypatch):
    client = Client()
    url = reverse("feedback:send")
    _, data = page_form(client, url, CASES["feedback"].filled)
    two_days = time.time() + 2 * 24 * 3600
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: two_days))
    monkeypatch.setattr(antispam, "time", SimpleNamespace(time=lambda: two_days))
    assert "could not be checked" in client.post(url, data).content.decode()
    assert not Feedback.objects.exists()


def test_the_honeypot_is_hidden_from_people_and_keyboards(client, strict_antispam):
    html = client.get(reverse("feedback:send")).content.decode()
    start = html.index('<div class="antispam-trap" hidden>')
    trap = html[start : html.index("</div>", start)]
    assert f'name="{antispam.HONEYPOT_FIELD}"' in trap
    assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    assert "<label" in trap  # a browser without CSS or `hidden` still says what it is


def test_no_cookie_and_no_session_is_used(client, strict_antispam):
    client.get(reverse("feedback:send"))
    client.get(reverse("privacy:newsletter"))
    assert client.cookies == {} or set(client.cookies) <= {"csrftoken"}


def test_a_post_helper_not_about_spam_still_needs_nothing(client, user):
    """The rest of the suite posts without the fields (tests/conftest.py)."""
    client.force_login(user)
    topic = TopicFactory()
    response = client.post(topic.get_absolute_url(), {"source": "Plain reply."})
    assert response.status_code == 302
    assert PostFactory._meta.model.objects.filter(source="Plain reply.").exists()

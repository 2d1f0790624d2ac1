"""No form a visitor can reach makes the site email many addresses, or one address many times
(the class of the newsletter and data-request floods).

The test walks the site as a visitor from its front pages, finds every POST form with an email
field, and sends each one 30 times: to 30 different addresses, then to one address. A new form
that emails a typed address without `privacy.emails.limit_confirmations` (or allauth's own
limits, for allauth's forms) fails here.
"""

import html
import re
import time
from urllib.parse import urldefrag, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.urls import reverse

from forums.models import User

from .factories import EventFactory, ResourceFactory, TopicFactory, UserFactory
from .html_forms import HtmlForm, forms_in

pytestmark = pytest.mark.django_db

START = ["/", "/resources/", "/feedback/", "/privacy/", "/accounts/login/"]
MAX_PAGES = 150
ATTEMPTS = 30
# What one client may cause, at most, per form: by client address, and to one address.
MAX_EMAILS_FROM_ONE_CLIENT = 10
MAX_EMAILS_TO_ONE_ADDRESS = 5
LINK = re.compile(r'<a\s[^>]*href="([^"]+)"')


def crawl(client) -> dict[str, HtmlForm]:
    """Every POST form with an email field that a visitor reaches, by the address it posts to."""
    queue, seen, forms = list(START), set(), {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        page = response.content.decode()
        for href in LINK.findall(page):
            url = urlsplit(urldefrag(html.unescape(href)).url)
            if not url.scheme and not url.netloc and url.path.startswith("/"):
                if not url.path.startswith(("/admin/", "/static/", "/media/")):
                    queue.append(url.path)
        for form in forms_in(page):
            if form.method == "post" and any(f.kind == "email" for f in form.fields):
                forms[form.action or path] = form
    return forms


def fill(form: HtmlForm, email: str) -> dict:
    """What a person filling the form in would send: the address, the boxes the form requires
    ticked (terms), the others not, and a plausible answer to everything else."""
    data = {}
    for field in form.fields:
        name, kind = field.name, field.kind
        if kind == "email":
            data[name] = email
        elif kind == "checkbox":
            if field.required:
                data[name] = field.value
        elif kind in ("hidden", "submit", "button") or field.value:
            data[name] = field.value
        elif kind == "password":
            data[name] = "a long Pass phrase 2026"
        elif kind == "select":
            data[name] = next((option for option in field.options if option), "")
        elif "phone" in name:
            data[name] = "+44 20 7946 0000"
        else:
            data[name] = "A question about my data, please." if kind == "textarea" else "Tester"
    return data


@pytest.fixture
def site(db):
    ResourceFactory()
    TopicFactory()
    EventFactory(slug="flood-meetup")


def send(client, action, form, addresses, capture) -> None:
    """Post the form ATTEMPTS times, cycling through `addresses`; tasks run after each commit."""
    for n in range(ATTEMPTS):
        data = fill(form, addresses[n % len(addresses)])
        if "username" in data:
            data["username"] = f"tester{n}"
        with capture(execute=True):
            response = client.post(action, data)
        assert response.status_code < 500, (action, response.status_code)


def test_no_visitor_form_floods_inboxes(
    client, site, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    forms = crawl(client)
    expected = {
        "/privacy/newsletter/",
        "/privacy/requests/new/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/events/flood-meetup/",
    }
    assert expected <= set(forms), forms.keys()
    floods = {}
    for action, form in forms.items():
        for addresses, most in (
            ([f"person{n}@example.org" for n in range(ATTEMPTS)], MAX_EMAILS_FROM_ONE_CLIENT),
            (["one@example.org"], MAX_EMAILS_TO_ONE_ADDRESS),
        ):
            cache.clear()  # each form and each case starts with fresh limits
            mailoutbox.clear()
            send(client, action, form, addresses, django_capture_on_commit_callbacks)
            if len(mailoutbox) > most:
                floods[(action, len(addresses))] = len(mailoutbox)
    assert floods == {}


def test_a_member_cannot_flood_addresses_from_the_email_page(
    client, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    """Adding addresses and asking for the verification again both email an address the member
    typed: over two hours, a member can send only a few of either."""
    member = UserFactory()
    client.force_login(member)
    clock = [time.time()]
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    for n in range(ATTEMPTS):
        clock[0] += 4 * 60  # slower than any per-minute limit
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accounts/email/", {"action_add": "", "email": f"person{n}@example.org"})
    added = len(mailoutbox)
    assert 0 < added <= 20

    client.force_login(UserFactory())  # another member, whose email page limits are untouched
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/email/", {"action_add": "", "email": "victim@example.org"})
    mailoutbox.clear()
    for _ in range(ATTEMPTS):
        clock[0] += 4 * 60  # slower than the three-minute cool-down between two sends
        with django_capture_on_commit_callbacks(execute=True):
            # Verification is by code: the address is the member's only once the code is typed,
            # so asking again is adding it again or "Send a new code" on the code page (the
            # email page's "send again" finds no address of theirs to send to).
            client.post("/accounts/email/", {"action_send": "", "email": "victim@example.org"})
            client.post("/accounts/email/", {"action_add": "", "email": "victim@example.org"})
            client.post(reverse("account_email_verification_sent"), {"action": "resend"})
    assert 0 < len(mailoutbox) <= MAX_EMAILS_TO_ONE_ADDRESS


def test_a_post_naming_500_members_emails_at_most_mentions_per_post(
    client, settings, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    """@names in a post email their members (forums.mentions): a post naming 500 members, and
    edits naming 500 more, email at most MENTIONS_PER_POST of them all told."""
    names = [f"named{n}" for n in range(1000)]
    members = User.objects.bulk_create(
        User(username=name, email=f"{name}@example.org") for name in names
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=m, email=m.email, verified=True, primary=True) for m in members
    )
    writer = UserFactory()
    client.force_login(writer)
    topic = TopicFactory()
    flood = " ".join(f"@{name}" for name in names[:500])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(topic.get_absolute_url(), {"source": flood})
    assert response.status_code == 302

    def mentions():  # the topic's author also gets the reply notification
        return [m for m in mailoutbox if "mentioned you" in m.subject]

    assert len(mentions()) == settings.MENTIONS_PER_POST
    post = topic.posts.get(author=writer)
    for start in (500, 750):
        cache.clear()  # the posting rate limit is not what is tested here
        more = " ".join(f"@{name}" for name in names[start : start + 250])
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/p/{post.pk}/edit/", {"source": more})
    post.refresh_from_db()
    assert post.source.startswith("@named750")  # the edits went through
    assert post.mentions.count() == len(mentions()) == settings.MENTIONS_PER_POST

"""No form a visitor can reach makes the site email many addresses, or one address many times
(the class of the newsletter and data-request floods).

The test walks the site as a visitor from its front pages, finds every POST form with an email
field, and sends each one 30 times: to 30 different addresses, then to one address. A new form
that emails a typed address without `privacy.emails.limit_confirmations` (or allauth's own
limits, for allauth's forms) fails here.
"""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.cache import cache

from .factories import ResourceFactory, TopicFactory

pytestmark = pytest.mark.django_db

START = ["/", "/resources/", "/feedback/", "/privacy/", "/accounts/login/"]
MAX_PAGES = 150
ATTEMPTS = 30
# What one client may cause, at most, per form: by client address, and to one address.
MAX_EMAILS_FROM_ONE_CLIENT = 10
MAX_EMAILS_TO_ONE_ADDRESS = 5


class Page(HTMLParser):
    """The links of a page and its POST forms, each as (action, [(tag, attributes, options)])."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self._select = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self.forms.append((attrs.get("method", "get").lower(), attrs.get("action"), []))
        elif tag in ("input", "textarea", "select") and self.forms and attrs.get("name"):
            self.forms[-1][2].append((tag, attrs, []))
            self._select = self.forms[-1][2][-1][2] if tag == "select" else None
        elif tag == "option" and self._select is not None:
            self._select.append(attrs.get("value", ""))


def crawl(client) -> dict[str, list]:
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
        page = Page()
        page.feed(response.content.decode())
        for href in page.links:
            url = urlsplit(urldefrag(href).url)
            if not url.scheme and not url.netloc and url.path.startswith("/"):
                if not url.path.startswith(("/admin/", "/static/", "/media/")):
                    queue.append(url.path)
        for method, action, fields in page.forms:
            if method == "post" and any(a.get("type") == "email" for _, a, _ in fields):
                forms[action or path] = fields
    return forms


def fill(fields, email: str) -> dict:
    """What a person filling the form in would send: the address, the boxes the form requires
    ticked (terms), the others not, and a plausible answer to everything else."""
    data = {}
    for tag, attrs, options in fields:
        name, kind = attrs["name"], attrs.get("type", "text")
        if kind == "email":
            data[name] = email
        elif kind == "checkbox":
            if "required" in attrs:
                data[name] = attrs.get("value", "on")
        elif kind in ("hidden", "submit") or attrs.get("value"):
            data[name] = attrs.get("value", "")
        elif kind == "password":
            data[name] = "a long Pass phrase 2026"
        elif tag == "select":
            data[name] = next((o for o in options if o), "")
        elif "phone" in name:
            data[name] = "+44 20 7946 0000"
        else:
            data[name] = "Tester" if tag == "input" else "A question about my data, please."
    return data


@pytest.fixture
def site(db):
    ResourceFactory()
    TopicFactory()


def send(client, action, fields, addresses, capture) -> None:
    """Post the form ATTEMPTS times, cycling through `addresses`; tasks run after each commit."""
    for n in range(ATTEMPTS):
        data = fill(fields, addresses[n % len(addresses)])
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
    }
    assert expected <= set(forms), forms.keys()
    floods = {}
    for action, fields in forms.items():
        for addresses, most in (
            ([f"person{n}@example.org" for n in range(ATTEMPTS)], MAX_EMAILS_FROM_ONE_CLIENT),
            (["one@example.org"], MAX_EMAILS_TO_ONE_ADDRESS),
        ):
            cache.clear()  # each form and each case starts with fresh limits
            mailoutbox.clear()
            send(client, action, fields, addresses, django_capture_on_commit_callbacks)
            if len(mailoutbox) > most:
                floods[(action, len(addresses))] = len(mailoutbox)
    assert floods == {}

"""Preference cookies (P22): recent searches and remembered contact details, only with consent."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from privacy.cookies import preferences

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/privacy/cookies/settings/"


def allow_preferences(client, allowed=True):
    client.post(SETTINGS_URL, {"choice": "save", "accepted": ["preferences"] if allowed else []})


def search(client, q):
    return client.get("/search/", {"q": q})


def remembered(response, name):
    """The value a response stores in a cookie ("" when it deletes the cookie or sets none)."""
    return response.cookies[name].value if name in response.cookies else ""


def test_searches_are_not_remembered_without_consent(client):
    assert remembered(search(client, "rota planning"), "recent_searches") == ""
    allow_preferences(client, allowed=False)
    assert remembered(search(client, "rota planning"), "recent_searches") == ""


def test_the_search_page_offers_the_last_five_searches_newest_first(client):
    allow_preferences(client)
    for q in ["one", "two", "three", "Two", "four", "five", "six"]:
        search(client, q)
    html = client.get("/search/").content.decode()
    listed = html.split("Your recent searches", 1)[1].split("</ul>", 1)[0]
    terms = [part.split("</a>", 1)[0] for part in listed.split('">')[1:]]
    assert terms == ["six", "five", "four", "Two", "three"]
    assert 'href="/search/?q=six"' in listed


def test_declining_preferences_clears_the_remembered_searches(client):
    allow_preferences(client)
    search(client, "workforce management")
    assert "Your recent searches" in client.get("/search/").content.decode()
    response = client.post(SETTINGS_URL, {"choice": "reject-all"})
    assert response.cookies["recent_searches"]["max-age"] == 0
    assert "Your recent searches" not in client.get("/search/").content.decode()


def test_a_tampered_preference_cookie_is_ignored(client):
    allow_preferences(client)
    client.cookies["recent_searches"] = '["<script>alert(1)</script>"]'
    response = client.get("/search/")
    assert response.status_code == 200
    assert "Your recent searches" not in response.content.decode()


def consenting_request(client, **cookie_values):
    allow_preferences(client)
    request = RequestFactory().get("/")
    request.COOKIES = {"cookie_consent": client.cookies["cookie_consent"].value, **cookie_values}
    return request


def test_name_and_email_are_remembered_for_forms_with_consent(client):
    response = HttpResponse()
    preferences.remember_contact(
        consenting_request(client), response, name="Ada Byron", email="ada@example.org"
    )
    stored = response.cookies["remembered_contact"]
    assert stored["httponly"] and stored["max-age"] == 90 * 24 * 3600
    later = consenting_request(client, remembered_contact=stored.value)
    assert preferences.remembered_contact(later) == {
        "name": "Ada Byron",
        "email": "ada@example.org",
    }


def test_name_and_email_are_not_remembered_or_read_without_consent(client):
    request = RequestFactory().get("/")
    response = HttpResponse()
    preferences.remember_contact(request, response, name="Ada", email="ada@example.org")
    assert "remembered_contact" not in response.cookies
    stored = HttpResponse()
    preferences.remember_contact(consenting_request(client), stored, email="ada@example.org")
    request.COOKIES = {"remembered_contact": stored.cookies["remembered_contact"].value}
    assert preferences.remembered_contact(request) == {}


def test_a_form_asking_only_for_the_email_keeps_the_remembered_name(client):
    first = HttpResponse()
    preferences.remember_contact(
        consenting_request(client), first, name="Ada", email="old@example.org"
    )
    second = HttpResponse()
    request = consenting_request(
        client, remembered_contact=first.cookies["remembered_contact"].value
    )
    preferences.remember_contact(request, second, email="new@example.org")
    later = consenting_request(
        client, remembered_contact=second.cookies["remembered_contact"].value
    )
    assert preferences.remembered_contact(later) == {"name": "Ada", "email": "new@example.org"}


def test_the_newsletter_form_is_prefilled_with_the_remembered_email(client):
    allow_preferences(client)
    response = client.post("/privacy/newsletter/", {"email": "Visitor@Example.org"})
    assert response.status_code == 200 and b"Check your inbox" in response.content
    html = client.get("/privacy/newsletter/").content.decode()
    assert 'value="visitor@example.org"' in html


def test_the_newsletter_form_remembers_nothing_without_consent(client):
    response = client.post("/privacy/newsletter/", {"email": "visitor@example.org"})
    assert remembered(response, "remembered_contact") == ""
    assert "visitor@example.org" not in client.get("/privacy/newsletter/").content.decode()


def test_the_header_search_box_suggests_the_recent_searches_on_every_page(client):
    assert 'list="recent-searches"' not in client.get("/privacy/").content.decode()
    allow_preferences(client)
    search(client, "headset budgets")
    html = client.get("/privacy/").content.decode()
    assert 'list="recent-searches"' in html and '<option value="headset budgets">' in html


def test_the_data_request_form_is_prefilled_with_the_remembered_email(client):
    allow_preferences(client)
    response = client.post(
        "/privacy/requests/new/", {"email": "asker@example.org", "kind": "access", "details": ""}
    )
    assert response.status_code == 200 and "remembered_contact" in response.cookies
    html = client.get("/privacy/requests/new/").content.decode()
    assert 'value="asker@example.org"' in html

"""Joining or logging in brings people back to the page they came from (issue 16), and allauth's
pages and emails speak in the site's voice."""

import re

import pytest
from django.conf import settings

from ..factories import PASSWORD, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"


def signup_data(**overrides):
    return {
        "username": "new.member",
        "email": "new.member@example.org",
        "password1": "quiet-harbour-lantern-9",
        "password2": "quiet-harbour-lantern-9",
        "accept_terms": "on",
        **overrides,
    }


def test_joining_from_a_topic_ends_logged_in_on_that_topic(client, mailoutbox):
    topic = TopicFactory()
    signup_page = client.get(SIGNUP, {"next": topic.get_absolute_url()}).content.decode()
    assert f'name="next" value="{topic.get_absolute_url()}"' in signup_page
    response = client.post(SIGNUP, signup_data(next=topic.get_absolute_url()))
    assert response.status_code == 302
    # The email carries a code, typed into the page the new member was left on.
    code = re.search(r"verification code is:\s+(\S+)", mailoutbox[0].body).group(1)
    assert "<h1>Verify your email</h1>" in client.get(response["Location"]).content.decode()
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Log out" in page and 'class="composer"' in page


def test_logging_in_from_a_page_returns_to_it(client):
    member = UserFactory()
    topic = TopicFactory()
    html = client.get("/accounts/login/", {"next": topic.get_absolute_url()}).content.decode()
    assert f'name="next" value="{topic.get_absolute_url()}"' in html
    assert f"/accounts/signup/?next={topic.get_absolute_url().replace('/', '%2F')}" in html
    response = client.post(
        "/accounts/login/",
        {"login": member.username, "password": PASSWORD, "next": topic.get_absolute_url()},
    )
    assert response["Location"] == topic.get_absolute_url()


def test_an_account_page_keeps_the_next_it_came_with_in_the_header(client):
    html = client.get("/accounts/login/", {"next": "/search/?q=rota"}).content.decode()
    header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert 'href="/accounts/signup/?next=/search/%3Fq%3Drota"' in header
    html = client.get("/accounts/login/", {"next": "https://evil.example/"}).content.decode()
    header = html.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert "evil.example" not in header


def test_account_pages_and_emails_speak_in_the_sites_voice(client, mailoutbox):
    for path, heading in (
        ("/accounts/login/", "<h1>Log in</h1>"),
        (SIGNUP, f"<h1>Join {settings.SITE_NAME}</h1>"),
        ("/accounts/password/reset/", "<h1>Reset your password</h1>"),
    ):
        assert heading in client.get(path).content.decode(), path
    client.post(SIGNUP, signup_data())
    email = mailoutbox[0]
    assert email.subject == f"[{settings.SITE_NAME}] Verify your email address to finish joining"
    assert settings.SITE_NAME in email.body and "Hello from" not in email.body
    assert "testserver" not in email.body.replace(re.search(r"https?://\S+", email.body)[0], "")
    sent = client.get("/accounts/confirm-email/").content.decode()
    assert "<h1>Verify your email</h1>" in sent


def test_the_two_factor_prompt_says_recovery_codes_work(client):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    member = UserFactory()
    TOTP.activate(member, generate_totp_secret())
    response = client.post("/accounts/login/", {"login": member.username, "password": PASSWORD})
    html = client.get(response["Location"]).content.decode()
    assert "recovery codes" in html and "<h1>Two-factor check</h1>" in html
    assert 'class="secondary"' in html  # Cancel looks secondary


def test_allauths_own_pages_are_in_sentence_case(user_client):
    for path, heading in (
        ("/accounts/email/", "Email address"),
        ("/accounts/password/change/", "Change password"),
        ("/accounts/2fa/", "Two-factor authentication"),
    ):
        html = user_client.get(path).content.decode()
        assert re.search(rf"<h1[^>]*>\s*{heading}\s*</h1>", html), path

"""Every redirect to a target the client chose (`next`) stays on this site and never fails."""

import pytest

from privacy.models import PolicyVersion
from tests.privacy.policies.test_policy_changes import accept, publish

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/privacy/cookies/settings/"
# Not paths: redirect() would look them up as URL names (a 500), or they lead to another site.
UNSAFE_TARGETS = [
    "-1",
    "999999999999",
    "'; DROP TABLE x; --",
    "admin:index",
    "home",
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\x00/",
    "/ok\r\nSet-Cookie: x=1",
]
COOKIE_CHOICES = [
    (SETTINGS_URL + "accept/", {"all_groups": "on"}),
    (SETTINGS_URL + "decline/", {"all_groups": "on"}),
    (SETTINGS_URL, {"choice": "reject-all"}),
]


@pytest.mark.parametrize("url, data", COOKIE_CHOICES)
@pytest.mark.parametrize("target", UNSAFE_TARGETS)
def test_a_cookie_choice_with_an_unsafe_next_goes_to_the_cookie_settings(client, url, data, target):
    response = client.post(url, {**data, "next": target})
    assert response.status_code == 302
    assert response["Location"] == SETTINGS_URL


@pytest.mark.parametrize("url, data", COOKIE_CHOICES)
def test_a_cookie_choice_returns_to_the_page_it_was_made_on(client, url, data):
    response = client.post(url, {**data, "next": "/search/?q=rota"})
    assert response["Location"] == "/search/?q=rota"


@pytest.mark.parametrize("target", UNSAFE_TARGETS)
def test_accepting_new_terms_with_an_unsafe_next_goes_home(client, target):
    member = UserFactory()
    accept(member, PolicyVersion.objects.in_force("terms"))
    publish()
    client.force_login(member)
    assert client.get("/privacy/terms/accept/", {"next": target}).status_code == 200
    response = client.post("/privacy/terms/accept/", {"accept": "on", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/privacy/terms/accept/", {"next": target})["Location"] == "/"


@pytest.mark.parametrize("target", UNSAFE_TARGETS)
def test_signing_in_and_out_with_an_unsafe_next_uses_the_usual_pages(client, target):
    member = UserFactory()
    credentials = {"login": member.username, "password": PASSWORD, "next": target}
    assert client.post("/accounts/login/", credentials)["Location"] == "/accounts/profile/"
    assert client.post("/accounts/logout/", {"next": target})["Location"] == "/"


def test_signing_in_returns_to_the_page_the_member_came_from(client):
    member = UserFactory()
    credentials = {"login": member.username, "password": PASSWORD, "next": "/search/?q=rota"}
    assert client.post("/accounts/login/", credentials)["Location"] == "/search/?q=rota"

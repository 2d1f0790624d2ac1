"""Pages reached through a token (unsubscribe, confirmations, downloads, password reset) never
hand their address to a third party: no share links, no third-party script. Every other page
shares only its path, never a query string."""

import pytest
from django.core import signing
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from forums.notifications import switch_off_token
from privacy.cookies.context_processors import CREDENTIAL_URL_ARGUMENTS
from privacy.newsletter import subscription

pytestmark = pytest.mark.django_db

ANALYTICS = "https://analytics.example/a.js"
SOCIAL = "https://share.example/b.js"
THIRD_PARTIES = ("linkedin.com", "x.com/intent", "facebook.com/sharer", ANALYTICS, SOCIAL)
# URL arguments that name a public object, not a credential. A new argument must be added here
# or to CREDENTIAL_URL_ARGUMENTS, so nobody adds a token page without deciding.
NOT_CREDENTIALS = {
    "pk",
    "id",
    "slug",
    "username",
    "app_label",
    "object_id",
    "content_type_id",
    "url",
    "number",  # an invoice's or credit note's number: its page is for its buyer and staff only
    "variant",  # a payment provider's name in django-payments' callback URLs
}
# A made-up token that holds an address, as a real unsubscribe token does.
SAMPLE = {
    "token": signing.dumps({"e": "visitor@example.org"}, salt="made-up"),
    "key": "made-up-key",
    "uidb36": "2",
    "slug": "some-resource",
    "pk": 1,
}
# Tokens that are UUIDs (django-payments' payment tokens, an order's pay link).
UUID_TOKEN = "00000000-0000-4000-8000-000000000000"


def url_patterns(resolvers=None, namespace=""):
    """(name with its namespace or None, argument names) of every URL pattern."""
    for entry in get_resolver().url_patterns if resolvers is None else resolvers:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield name, set(entry.pattern.regex.groupindex)


TOKEN_PAGES = sorted(
    str(name) for name, arguments in url_patterns() if arguments & CREDENTIAL_URL_ARGUMENTS
)


@pytest.fixture
def consenting_client(client, settings):
    """A visitor who accepted every cookie group, on a site with both third-party scripts."""
    settings.ANALYTICS_SCRIPT_URL, settings.SOCIAL_SHARE_SCRIPT_URL = ANALYTICS, SOCIAL
    client.post("/privacy/cookies/settings/accept/", {"all_groups": "on", "next": "/"})
    html = client.get("/privacy/").content.decode()
    assert all(party in html for party in THIRD_PARTIES)  # the check below can see them
    return client


def assert_no_third_party(html: str) -> None:
    assert not [party for party in THIRD_PARTIES if party in html]


def test_every_url_argument_is_known_to_be_a_credential_or_not():
    arguments = set().union(*(arguments for _, arguments in url_patterns()))
    assert arguments <= CREDENTIAL_URL_ARGUMENTS | NOT_CREDENTIALS
    assert "privacy:unsubscribe" in TOKEN_PAGES and "account_reset_password_from_key" in TOKEN_PAGES
    assert "None" not in TOKEN_PAGES  # a token page has a name, so the test below can open it


@pytest.mark.parametrize("name", TOKEN_PAGES)
def test_no_page_reached_through_a_token_offers_sharing_or_loads_a_third_party_script(
    consenting_client, name
):
    arguments = next(arguments for n, arguments in url_patterns() if n == name)
    try:
        url = reverse(name, kwargs={argument: SAMPLE[argument] for argument in arguments})
    except NoReverseMatch:
        url = reverse(name, kwargs={**{a: SAMPLE[a] for a in arguments}, "token": UUID_TOKEN})
    for method in (consenting_client.get, consenting_client.post):
        response = method(url)
        if response.get("Content-Type", "").startswith("text/html"):
            assert_no_third_party(response.content.decode())


def test_real_unsubscribe_and_switch_off_pages_share_nothing(consenting_client, user):
    for url in (
        subscription.unsubscribe_url(email="visitor@example.org"),
        reverse("notifications_off", args=[switch_off_token(user)]),
    ):
        response = consenting_client.get(url)
        assert response.status_code == 200
        assert_no_third_party(response.content.decode())


def test_share_links_carry_the_path_never_the_query_string(consenting_client):
    html = consenting_client.get("/privacy/?utm_source=tracker-4711&email=a%40b.example")
    html = html.content.decode()
    assert 'linkedin.com/sharing/share-offsite/?url=http%3A%2F%2Ftestserver%2Fprivacy%2F"' in html
    assert "tracker-4711" not in html.split('class="share-buttons"', 1)[1]

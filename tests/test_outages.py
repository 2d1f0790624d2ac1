"""A Redis outage costs speed, never a page or a request: the site against a Redis server of
the test's own, configured as a deploy with REDIS_URL is, which the test stops and starts."""

import json
import logging
import time

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from community.sessions import CACHE_SECONDS, SessionStore
from privacy.models import DataRequest
from privacy.requests import sweep

from .factories import PASSWORD, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def test_every_page_renders_while_the_cache_is_down(own_redis):
    topic = TopicFactory()
    member = UserFactory()
    member_client = Client(HTTP_USER_AGENT=BROWSER)  # a browser's views are counted
    member_client.force_login(member)  # the session is in the database, not in the cache
    visitor = Client(HTTP_USER_AGENT=BROWSER)
    own_redis.stop()
    for url in ("/", topic.get_absolute_url(), "/privacy/", "/accounts/login/"):
        assert visitor.get(url).status_code == 200, url
    for url in ("/", topic.get_absolute_url(), "/privacy/my-data/", "/accounts/profile/"):
        assert member_client.get(url).status_code == 200, url


def test_a_cache_outage_is_logged_once_a_minute_not_once_a_request(client, own_redis, caplog):
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="community.outages"):
        for _ in range(3):
            assert client.get("/privacy/").status_code == 200
    logged = [r.getMessage() for r in caplog.records if r.name == "community.outages"]
    assert len(logged) == 1 and logged[0].startswith("Cache unavailable")


def test_sensitive_forms_refuse_while_their_rate_limits_cannot_be_checked(client, own_redis):
    member = UserFactory()
    own_redis.stop()
    for url, data in [
        ("/accounts/login/", {"login": member.username, "password": PASSWORD}),
        ("/accounts/password/reset/", {"email": member.email}),
        ("/privacy/newsletter/", {"email": "someone@example.org"}),  # sends a confirmation
    ]:
        response = client.post(url, data)
        assert response.status_code == 429, url
        assert "cannot check right now" in response.content.decode()
        assert response["Retry-After"] == "60"


def test_other_rate_limits_let_the_request_through_while_the_cache_is_down(client, own_redis):
    own_redis.stop()
    # Sign-up's limit ("signup") is not in RATE_LIMITS_FAIL_CLOSED: the form answers as usual.
    response = client.post("/accounts/signup/", {"username": "newcomer", "email": "not an email"})
    assert response.status_code == 200
    assert "Enter a valid email address" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_data_request_made_while_redis_is_down_is_kept_and_sent_once_redis_is_back(
    client, own_redis
):
    member = UserFactory()
    client.force_login(member)
    own_redis.stop()
    started = time.monotonic()
    response = client.post("/privacy/my-data/export/", follow=True)
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    assert "preparing a copy of your data" in response.content.decode()
    request = DataRequest.objects.get(user=member)
    assert request.status == DataRequest.Status.IN_PROGRESS

    own_redis.start()  # empty: whatever was queued before the outage is gone
    assert own_redis.client().llen("celery") == 0
    assert sweep.sweep(now=timezone.now() + sweep.STALE_AFTER * 2) == 1
    queued = json.loads(own_redis.client().lindex("celery", 0))
    assert queued["headers"]["task"] == "privacy.build_data_export"
    assert queued["headers"]["argsrepr"] == f"({request.exports.get().pk},)"


@pytest.mark.django_db(transaction=True)
def test_a_hung_redis_costs_a_data_request_seconds_not_minutes(client, hung_redis):
    member = UserFactory()
    client.force_login(member)
    started = time.monotonic()
    response = client.post("/privacy/my-data/export/", follow=True)
    assert time.monotonic() - started < 10
    assert "preparing a copy of your data" in response.content.decode()
    assert DataRequest.objects.get(user=member).status == DataRequest.Status.IN_PROGRESS


def test_members_stay_signed_in_while_redis_is_down_and_signed_out_after(own_redis):
    """Sessions are read from the cache (community.sessions) and written to the database."""
    member = UserFactory()
    browser = Client(HTTP_USER_AGENT=BROWSER)
    assert browser.post("/accounts/login/", {"login": member.username, "password": PASSWORD})
    cookie = browser.cookies["sessionid"].value
    assert member.username in browser.get("/accounts/profile/").content.decode()
    assert own_redis.client().keys("*sessions.cached_db*")  # the session came from the cache
    own_redis.stop()
    assert member.username in browser.get("/accounts/profile/").content.decode()
    assert browser.post("/accounts/logout/").status_code == 302
    own_redis.start()
    caches["default"]._down_until = 0  # tried again at once, not after RETRY_AFTER seconds
    thief = Client(HTTP_USER_AGENT=BROWSER)
    thief.cookies["sessionid"] = cookie
    assert thief.get("/accounts/profile/").status_code == 302  # to the sign-in page


def test_a_sessions_cached_copy_lives_five_minutes_at_most(client, user):
    client.force_login(user)
    assert client.get("/accounts/profile/").status_code == 200
    store = SessionStore(client.cookies["sessionid"].value)
    key = store.cache_key
    assert store._cache.get(key) is not None
    if hasattr(store._cache._cache, "ttl"):  # django-redis
        assert 0 < store._cache._cache.ttl(key) <= CACHE_SECONDS

"""A Redis outage costs speed, never a page or a request: the site against a Redis server of
the test's own, configured as a deploy with REDIS_URL is, which the test stops and starts."""

import logging
import runpy
import socket
import subprocess
import time

import pytest
import redis
from django.test import Client

import community.settings as project_settings
from community import outages

from .factories import PASSWORD, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


class RedisServer:
    """redis-server on a free port, in the foreground of a child process."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


@pytest.fixture
def own_redis(settings, monkeypatch):
    """The caches on a Redis of this test's own, with the settings the project gives a deploy
    whose REDIS_URL names it."""
    server = RedisServer()
    server.start()
    monkeypatch.setenv("REDIS_URL", server.url)
    deployed = runpy.run_path(project_settings.__file__)
    settings.REDIS_URL = server.url
    settings.CACHES = deployed["CACHES"]
    monkeypatch.setattr(outages, "_last_logged", {})
    yield server
    if server.process.poll() is None:
        server.stop()


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


def test_sign_in_and_password_reset_refuse_while_their_rate_limits_cannot_be_checked(
    client, own_redis
):
    member = UserFactory()
    own_redis.stop()
    for url, data in [
        ("/accounts/login/", {"login": member.username, "password": PASSWORD}),
        ("/accounts/password/reset/", {"email": member.email}),
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

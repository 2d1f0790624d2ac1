"""A Redis server of a test's own, configured as a deploy whose REDIS_URL names it, which the
test can stop and start (tests/test_outages.py, tests/forums/test_viewcounts.py)."""

import runpy
import socket
import subprocess
import time

import pytest
import redis

import community.settings as project_settings
from community import outages
from community.celery import app as celery_app


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
def deploy_on_redis(settings, monkeypatch):
    """A function that puts the caches and the Celery broker on a Redis URL, with the settings
    the project gives a deploy whose REDIS_URL names it."""
    saved = {name: celery_app.conf[name] for name in ("broker_url", "broker_transport_options")}

    def deploy(url: str) -> None:
        monkeypatch.setenv("REDIS_URL", url)
        deployed = runpy.run_path(project_settings.__file__)
        settings.REDIS_URL = url
        settings.CACHES = deployed["CACHES"]
        celery_app.conf.update(
            broker_url=deployed["CELERY_BROKER_URL"],
            broker_transport_options=deployed["CELERY_BROKER_TRANSPORT_OPTIONS"],
        )
        _forget_broker_connections()

    monkeypatch.setattr(outages, "_last_logged", {})
    yield deploy
    celery_app.conf.update(saved)
    _forget_broker_connections()


@pytest.fixture
def own_redis(deploy_on_redis):
    """A Redis of this test's own, which it can stop and start."""
    server = RedisServer()
    server.start()
    deploy_on_redis(server.url)
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def hung_redis(deploy_on_redis):
    """A server that takes connections and never answers: a Redis that hangs, or one whose
    host vanished behind a firewall or a failover."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        deploy_on_redis(f"redis://127.0.0.1:{server.getsockname()[1]}/0")
        yield


def _forget_broker_connections():
    """Celery keeps its connection pools for the life of the app: make it open new ones to the
    broker now configured (what Celery itself does after a fork)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None

"""community.postgresql: a kept connection is checked by its socket, not a SELECT 1 per request,
and one the server dropped is still replaced before a request uses it."""

import select
import time

import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as django_postgresql

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend's check"),
]


@pytest.fixture
def kept():
    """A connection of its own, as a server process keeps one between requests."""
    database = connections.create_connection("default")
    database.settings_dict["CONN_HEALTH_CHECKS"] = True
    database.ensure_connection()
    yield database
    database.close()


def next_request(database) -> int:
    """What Django does for a request's first query on a kept connection; the server process's
    id it then runs on."""
    database.health_check_done = False
    database.close_if_health_check_failed()
    with database.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_quiet_connection_is_used_without_asking_the_server(kept, monkeypatch):
    asked = []
    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", lambda db: asked.append(1))
    first = next_request(kept)
    assert next_request(kept) == first
    assert asked == []


def test_a_connection_the_server_dropped_is_replaced_before_the_request_uses_it(kept):
    dropped = kept.connection.get_backend_pid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [dropped])
    ready = select.poll()
    ready.register(kept.connection.fileno(), select.POLLIN)
    deadline = time.monotonic() + 5
    while not ready.poll(50) and time.monotonic() < deadline:  # the server's goodbye arriving
        pass
    assert next_request(kept) != dropped

"""Seats are never oversold when registrations arrive at the same moment: two (and more) real
database connections, each in its own thread, race for the last seats (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection, connections

from forums.events import registration
from forums.events.models import Registration

from ...factories import EventFactory, UserFactory, ticket

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has one writer at a time and no row locks to test",
    ),
]


def race(event, members, *, hold_lock_for: float = 0.0) -> list:
    """Each member registers from their own thread (own connection) at the same moment."""
    start = threading.Barrier(len(members))
    outcomes = []

    def attempt(member):
        try:
            start.wait()
            outcomes.append(
                registration.register(
                    event,
                    ticket(event),
                    user=member,
                    details={"name": member.username, "email": member.email},
                ).status
            )
        finally:
            connections.close_all()  # this thread's connection

    threads = [threading.Thread(target=attempt, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_connections_racing_for_the_last_seat_get_one_seat_and_one_waiting_place():
    event = EventFactory(capacity=1)
    members = [UserFactory(), UserFactory()]
    outcomes = race(event, members)
    assert sorted(outcomes) == ["confirmed", "waiting"]
    assert Registration.objects.filter(status="confirmed").count() == 1


def test_many_connections_never_take_more_seats_than_there_are():
    event = EventFactory(capacity=3)
    members = [UserFactory() for _ in range(8)]
    outcomes = race(event, members)
    assert len(outcomes) == 8
    assert outcomes.count("confirmed") == 3 and outcomes.count("waiting") == 5
    assert registration.seats_left(event) == 0


def test_without_the_lock_the_race_would_oversell(monkeypatch):
    """The check bites: with the row lock taken out, the same race gives away two seats for one
    (the counts are read before either write), which is what the lock prevents."""
    barrier = threading.Barrier(2)
    real_has_room = registration._has_room

    def slow_has_room(event, ticket_type):
        room = real_has_room(event, ticket_type)
        barrier.wait(timeout=10)  # both have counted before either writes
        return room

    monkeypatch.setattr(registration, "_locked", lambda event: event)
    monkeypatch.setattr(registration, "_has_room", slow_has_room)
    event = EventFactory(capacity=1)
    outcomes = race(event, [UserFactory(), UserFactory()])
    assert outcomes == ["confirmed", "confirmed"]

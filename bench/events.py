"""Events: concurrent registrations for the last seats, paying for them, and attendee retention.

    createdb -h 127.0.0.1 -U postgres community_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/community_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/events.py --attempts 1000 --seats 100 --attendees 10000

1. `--attempts` members try to register at once for an event with `--seats` seats (a paid
   ticket), from `--connections` threads, each with its own database connection, through the
   real code (forums.events.registration.register: the event's row lock). Exactly `--seats` must
   hold a seat (AWAITING_PAYMENT), the rest wait. Then each seat's order is made and paid with
   the test provider, from the same threads at once: every one gets an invoice, numbered without
   a gap. Needs PostgreSQL (SQLite has one writer at a time).
2. `--attendees` registrations of an event that ended long ago are deleted by the retention
   job's rule for attendee records (`enforce_retention --only event-attendees`), timed.

Prints counts and seconds. Each run makes its own events (and the members once).
"""

import argparse
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
os.environ.setdefault("DEBUG", "1")  # a developer's machine, as under `make run`

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

import community.celery  # noqa: E402
from forums.events import registration, sales  # noqa: E402
from forums.events.models import Event, Invoice, Registration, TicketType  # noqa: E402
from forums.models import User  # noqa: E402
from privacy.retention import job  # noqa: E402


def members(count: int) -> list:
    have = User.objects.filter(username__startswith="bench-attendee-").count()
    User.objects.bulk_create(
        User(username=f"bench-attendee-{n}", email=f"bench-attendee-{n}@example.net")
        for n in range(have, count)
    )
    return list(User.objects.filter(username__startswith="bench-attendee-").order_by("pk")[:count])


def new_event(seats: int, *, days: int, price: str) -> Event:
    stamp = time.time_ns()
    starts = timezone.now() + timedelta(days=days)
    event = Event.objects.create(
        title=f"Bench event {stamp}",
        slug=f"bench-event-{stamp}",
        description="Bench.",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue="Bench hall",
        capacity=seats,
        published=True,
    )
    TicketType.objects.create(event=event, name="Seat", price=price, quantity=seats)
    return event


def in_threads(work, items, connections_count: int) -> tuple[list, float]:
    def run(item):
        try:
            return work(item)
        finally:
            connections.close_all()  # this thread's connection

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=connections_count) as pool:
        results = list(pool.map(run, items))
    return results, time.perf_counter() - started


def race(attempts: int, seats: int, connections_count: int) -> None:
    event = new_event(seats, days=30, price="20.00")
    ticket = event.ticket_types.get()
    people = members(attempts)

    def attempt(member):
        details = {"name": member.username, "email": member.email}
        return registration.register(event, ticket, user=member, details=details)

    made, seconds = in_threads(attempt, people, connections_count)
    held = [r for r in made if r.status == Registration.Status.AWAITING_PAYMENT]
    waiting = sum(r.status == Registration.Status.WAITING for r in made)
    print(
        f"{attempts} registrations at once for {seats} seats ({connections_count} connections): "
        f"{len(held)} hold a seat, {waiting} wait, in {seconds:.2f} s "
        f"({attempts / seconds:.0f} a second)"
    )
    assert len(held) == seats, "oversold or undersold"

    def buy(held_registration):
        order = sales.create_order(held_registration, buyer=held_registration.user)
        sales.start_payment(order, "default").change_status("confirmed")

    first = Invoice.objects.count()
    _, seconds = in_threads(buy, held, connections_count)
    numbers = sorted(
        int(n.rsplit("-", 1)[1]) for n in Invoice.objects.values_list("number", flat=True)
    )[first:]
    gap_free = numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else False
    print(
        f"{len(held)} orders paid at once: {len(numbers)} invoices, numbered without a gap: "
        f"{gap_free}, in {seconds:.2f} s"
    )


def retention(attendees: int) -> None:
    event = new_event(attendees, days=-400, price="0")
    ticket = event.ticket_types.get()
    Registration.objects.bulk_create(
        (
            Registration(
                event=event,
                ticket_type=ticket,
                name=f"Attendee {n}",
                email=f"bench-past-{n}@example.net",
                status=Registration.Status.CONFIRMED,
            )
            for n in range(attendees)
        ),
        batch_size=5000,
    )
    started = time.perf_counter()
    (run,) = job.enforce(timezone.now(), only="event-attendees")
    seconds = time.perf_counter() - started
    print(
        f"retention of {attendees} attendee records: {run.changed} deleted in {seconds:.2f} s "
        f"({run.error or 'no error'})"
    )


def main():
    # No worker runs here: the emails' tasks are counted, not sent to a broker.
    community.celery._send = lambda *args: None
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=1000)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--connections", type=int, default=40)
    parser.add_argument("--attendees", type=int, default=10000)
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the race needs its row locks.")
    race(options.attempts, options.seats, options.connections)
    retention(options.attendees)


if __name__ == "__main__":
    main()

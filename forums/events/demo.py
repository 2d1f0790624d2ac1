"""Demo data for seed_demo: a free event coming up, one that is over, and a paid one (its
ticket type is sold once the payment feature is in), so /events/ has something to show on a
developer's machine. Not used by the site itself. Idempotent: it only adds what is missing."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from .models import Event, Question, TicketType

EVENTS = [
    {
        "slug": "workforce-planning-meetup",
        "title": "Workforce planning meetup",
        "description": (
            "An evening of short talks on **forecasting and scheduling**, then drinks.\n\n"
            "- Forecasting for hybrid teams\n- What we learnt from a year of four-day weeks"
        ),
        "days": 14,
        "venue": "The Hub, 12 Example Street, Manchester M1 1AA",
        "capacity": 40,
        "tickets": [("Free ticket", Decimal("0"), 40)],
        "question": "Which talk are you most interested in?",
    },
    {
        "slug": "cx-leaders-online-roundtable",
        "title": "CX leaders online roundtable",
        "description": "A past roundtable on measuring customer effort, held online.",
        "days": -30,
        "online_url": "https://meet.example/cx-roundtable",
        "capacity": 25,
        "tickets": [("Free ticket", Decimal("0"), 25)],
    },
    {
        "slug": "contact-centre-summit-2027",
        "title": "Contact Centre Summit 2027",
        "description": "A full day of talks and workshops, lunch included.",
        "days": 60,
        "venue": "Conference Centre, 1 Example Square, London EC1A 1AA",
        "capacity": 120,
        "tickets": [("Standard", Decimal("95.00"), 100), ("Early bird", Decimal("65.00"), 20)],
    },
]


def seed() -> None:
    for spec in EVENTS:
        if not Event.objects.filter(slug=spec["slug"]).exists():
            _add(spec)


def _add(spec: dict) -> None:
    starts = (timezone.now() + timedelta(days=spec["days"])).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    event = Event.objects.create(
        slug=spec["slug"],
        title=spec["title"],
        description=spec["description"],
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        time_zone="Europe/London",
        venue=spec.get("venue", ""),
        online_url=spec.get("online_url", ""),
        capacity=spec["capacity"],
        published=True,
    )
    for position, (name, price, quantity) in enumerate(spec["tickets"]):
        TicketType.objects.create(
            event=event, name=name, price=price, quantity=quantity, position=position
        )
    if spec.get("question"):
        Question.objects.create(event=event, text=spec["question"])

"""Leads export speed: one sponsor with N sign-ups, half of them consenting.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/community_bench \
        .venv/bin/python bench/sponsors.py --leads 20000

Adds the missing bench sign-ups once (visitors, each with a ledger row: every other one a
grant), then times what staff do in the admin: counting the consenting leads (the export page)
and exporting them (privacy.sponsors.services.export_leads: the CSV rows and the disclosure
record of every person). Prints seconds, rows and SQL queries for each.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
os.environ.setdefault("DEBUG", "1")  # a developer's machine, as under `make run`

SPONSOR = "Bench Sponsor"


def setup(leads: int):
    from django.db import transaction
    from tqdm import tqdm

    from privacy.models import Consent, Lead, Resource, Sponsor
    from privacy.sponsors import services

    sponsor, _ = Sponsor.objects.get_or_create(
        name=SPONSOR, defaults={"privacy_notice_url": "https://bench.example/privacy"}
    )
    resource, _ = Resource.objects.get_or_create(
        slug="bench-report",
        defaults={"sponsor": sponsor, "kind": "report", "title": "Bench report", "summary": "."},
    )
    text = services.consent_text(sponsor)
    existing = Lead.objects.filter(resource=resource).count()
    chunk = 5000
    with tqdm(total=leads, initial=existing, desc="leads", unit="") as bar:
        for start in range(existing, leads, chunk):
            numbers = range(start, min(start + chunk, leads))
            with transaction.atomic():
                rows = Consent.objects.bulk_create(
                    Consent(
                        email=f"bench-lead-{n}@example.net",
                        purpose=services.purpose(sponsor),
                        granted=n % 2 == 0,
                        source=Consent.Source.RESOURCE_FORM,
                        text=text,
                    )
                    for n in numbers
                )
                Lead.objects.bulk_create(
                    Lead(
                        resource=resource,
                        name=f"Bench Person {n}",
                        company="Bench Ltd",
                        email=f"bench-lead-{n}@example.net",
                        answers=[{"question": "Main channel?", "answer": "Chat"}],
                        consent=row,
                    )
                    for n, row in zip(numbers, rows, strict=True)
                )
            bar.update(len(numbers))
    return sponsor


def timed(label: str, work):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s, {len(queries)} queries")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=20000)
    args = parser.parse_args()

    import django

    django.setup()
    from privacy.models import Lead
    from privacy.sponsors import services

    sponsor = setup(args.leads)
    count = timed("count consenting leads", lambda: Lead.objects.consenting(sponsor).count())
    print(f"  {count} of {Lead.objects.filter(resource__sponsor=sponsor).count()} consent")
    disclosure, rows = timed(
        "export with disclosure record", lambda: services.export_leads(sponsor, by=None)
    )
    print(f"  {len(rows) - 1} rows, {disclosure.leads.count()} people recorded")


if __name__ == "__main__":
    main()

"""Demo data for seed_demo: a sponsor with a report and a webinar, so /resources/ has something
to show on a developer's machine. Not used by the site itself."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from ..models import Resource, Sponsor, SponsorQuestion

DEMO_REPORT = """Contact Centre Benchmarks 2026 (demo report)

Average speed of answer, first-contact resolution and attrition from 120 contact centres.
This file is part of the demo data: it shows how sponsored resources are given.
"""


def seed() -> None:
    """A demo sponsor with a report and a webinar, so /resources/ has something to show.
    Idempotent: it only adds what is missing."""
    sponsor, _ = Sponsor.objects.get_or_create(
        name="Northwind Analytics",
        defaults={
            "contact_name": "Partnerships team",
            "contact_email": "partners@northwind.example",
            "privacy_notice_url": "https://northwind.example/privacy",
        },
    )
    if not Resource.objects.filter(slug="contact-centre-benchmarks-2026").exists():
        _add_report(sponsor)
    Resource.objects.get_or_create(
        slug="forecasting-for-hybrid-teams",
        defaults={
            "sponsor": sponsor,
            "kind": Resource.Kind.WEBINAR,
            "title": "Forecasting for hybrid teams",
            "summary": "A one-hour webinar on forecasting and scheduling home and office agents.",
            "starts": (timezone.now() + timedelta(days=21)).replace(
                hour=14, minute=0, second=0, microsecond=0
            ),
            "joining_details": "Join at https://northwind.example/webinar (passcode 2026).",
            "published": True,
        },
    )


def _add_report(sponsor: Sponsor) -> None:
    report = Resource(
        sponsor=sponsor,
        kind=Resource.Kind.REPORT,
        title="Contact Centre Benchmarks 2026",
        slug="contact-centre-benchmarks-2026",
        summary="Speed of answer, first-contact resolution and attrition from 120 centres.",
        published=True,
    )
    name = "resources/contact-centre-benchmarks-2026.txt"
    if default_storage.exists(name):  # a database reset keeps the media folder
        report.file.name = name
    else:
        report.file.name = default_storage.save(name, ContentFile(DEMO_REPORT))
    report.save()
    SponsorQuestion.objects.create(
        resource=report,
        text="Which channel will you grow most next year?",
        kind=SponsorQuestion.Kind.CHOICE,
        options="Voice\nChat\nEmail\nSocial media",
    )
    SponsorQuestion.objects.create(
        resource=report,
        text="Are you planning to replace your workforce management tool?",
        kind=SponsorQuestion.Kind.YES_NO,
        position=1,
    )

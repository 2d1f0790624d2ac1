"""Accounting records and personal data (P12, P13, P17, P18, P27): the member's copy holds their
orders and invoices with the PDFs; erasure keeps the invoice but not the link to the account,
the address or the answers; retention deletes the records, and their files, when the years
are up."""

import io
import json
import zipfile
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forums.events import invoicing
from forums.events.models import Answer, CreditNote, Invoice, Order, Registration
from privacy import registry
from privacy.requests.export import write_zip
from privacy.retention import job

from .payment_helpers import buy, orders_everywhere, paid_event

pytestmark = pytest.mark.django_db


def test_the_members_copy_holds_their_orders_invoices_and_the_pdfs(user):
    orders_everywhere(user=user, name="Bea Buyer")
    buffer = io.BytesIO()
    write_zip(buffer, user)
    with zipfile.ZipFile(buffer) as archive:
        data = json.loads(archive.read("data.json"))["data"]
        names = archive.namelist()
        invoice = Invoice.objects.order_by("pk").first()
        pdf = archive.read(f"files/event-invoices/{invoice.number}.pdf")
    assert pdf.startswith(b"%PDF")
    note = CreditNote.objects.get()
    assert f"files/event-credit-notes/{note.number}.pdf" in names
    assert len(data["event-orders"]) == 3 and len(data["event-invoices"]) == 2
    assert {row["number"] for row in data["event-credit-notes"]} == {note.number}
    assert data["event-invoices"][0]["buyer_name"] == "Bea Buyer"


def test_nobody_elses_invoice_is_in_a_copy(user):
    orders_everywhere(email="someone@example.org", name="Someone Else")
    buffer = io.BytesIO()
    write_zip(buffer, user)
    with zipfile.ZipFile(buffer) as archive:
        assert not [name for name in archive.namelist() if name.startswith("files/")]


def test_erasure_keeps_the_invoice_but_not_the_account_link_the_address_or_the_answers(
    user_client, user, staff_client
):
    event = paid_event()
    question = event.questions.create(text="Which workshop?")
    order = buy(user_client, event)
    Answer.objects.create(
        registration=order.registrations.get(), question=question, text="Rostering"
    )
    invoice = order.invoice
    done = registry.erase(user, keep_posts=True)
    assert done["event-invoices"] == ("keep", 0)
    order.refresh_from_db()
    assert (order.buyer, order.email, order.name) == (None, "", "")
    assert not Answer.objects.exists() and not Registration.objects.filter(order=order).exists()
    kept = Invoice.objects.get(pk=invoice.pk)
    assert (kept.number, kept.total, kept.buyer_name) == (
        invoice.number,
        invoice.total,
        "Bea Buyer",
    )
    assert kept.pdf.read().startswith(b"%PDF")
    page = staff_client.get(reverse("admin:events_invoice_change", args=[invoice.pk]))
    assert invoice.number in page.content.decode()
    register = staff_client.get(reverse("privacy:register")).content.decode()
    assert "Art. 17(3)(b)" in register


def test_a_paid_tickets_attendee_record_stays_with_its_invoice(user_client, user):
    event = paid_event()
    order = buy(user_client, event)
    free = Registration.objects.create(
        event=event,
        ticket_type=event.ticket_types.first(),
        name="Free Guest",
        email="guest@example.org",
        status=Registration.Status.CONFIRMED,
    )
    rule = next(r for r in registry.retention_rules() if r.key == "event-attendees")
    later = event.ends_at + rule.period + timedelta(days=1)
    expired = rule.expired_at(later)
    assert list(expired) == [free]
    assert order.registrations.exists()


def test_the_financial_year_ends_where_the_setting_says(settings):
    moment = timezone.make_aware(datetime(2026, 4, 20, 12))
    assert invoicing.financial_year_end(moment) == timezone.make_aware(datetime(2027, 1, 1))
    settings.FINANCIAL_YEAR_END_MONTH = 3  # the UK tax year's month
    assert invoicing.financial_year_end(moment) == timezone.make_aware(datetime(2027, 4, 1))
    march = timezone.make_aware(datetime(2026, 3, 31, 23))
    assert invoicing.financial_year_end(march) == timezone.make_aware(datetime(2026, 4, 1))


def test_accounting_records_and_their_files_go_when_the_years_are_up(
    django_capture_on_commit_callbacks, settings
):
    orders_everywhere(email="old@example.org", name="Old Buyer")
    storage = Invoice.objects.first().pdf.storage
    files = [d.pdf.name for d in [*Invoice.objects.all(), *CreditNote.objects.all()]]
    year_end = Order.objects.filter(invoice__isnull=False).first().financial_year_end
    period = timedelta(days=settings.RETENTION_ACCOUNTING_DAYS)
    assert period >= timedelta(days=365 * settings.RETENTION_ACCOUNTING_YEARS + 1)
    job.enforce(year_end + period - timedelta(seconds=1))
    assert Invoice.objects.count() == 2 and CreditNote.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        job.enforce(year_end + period + timedelta(seconds=1))
    assert not Invoice.objects.exists() and not CreditNote.objects.exists()
    assert not Order.objects.exists()  # the paid ones by this rule, the unpaid one long before
    assert not any(storage.exists(name) for name in files)


def test_the_erasure_page_tells_the_member_their_invoices_are_kept_and_why(user_client, user):
    page = user_client.get(reverse("privacy:erase_account")).content.decode()
    assert "Invoices" not in page  # nothing bought: nothing to keep
    buy(user_client, paid_event())
    page = user_client.get(reverse("privacy:erase_account")).content.decode()
    assert "<strong>Invoices</strong>" in page and "Art. 17(3)(b)" in page

"""Invoices and credit notes: numbers without gaps per year, and the documents themselves.

A number is taken from the year's counter row, locked (`select_for_update`) inside the
transaction that records the payment or the refund: two payments at once wait for each other,
and a transaction that fails gives its number back with everything else, so the series has no
gap. Invoices are numbered `2026-000123`, credit notes `CN-2026-000007`, by the calendar year of
issue in the site's time zone.
"""

import secrets
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from .invoice_pdf import render_pdf
from .models import CreditNote, DocumentCounter, Invoice, Order

INVOICE, CREDIT_NOTE = "invoice", "credit-note"
PREFIX = {INVOICE: "", CREDIT_NOTE: "CN-"}


def next_number(series: str, moment: datetime) -> str:
    """The next number of `series` in `moment`'s year; call inside the issuing transaction."""
    assert transaction.get_connection().in_atomic_block, "numbers are given inside a transaction"
    year = timezone.localtime(moment).year
    # Made once a year; ignore_conflicts: two first invoices of a year do not fail each other.
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(series=series, year=year)], ignore_conflicts=True
    )
    counter = DocumentCounter.objects.select_for_update().get(series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{PREFIX[series]}{year}-{counter.last:06d}"


def financial_year_end(moment: datetime) -> datetime:
    """The first moment after the financial year `moment` is in (it ends on the last day of
    FINANCIAL_YEAR_END_MONTH, in the site's time zone)."""
    local = timezone.localtime(moment)
    end_month = settings.FINANCIAL_YEAR_END_MONTH
    year = local.year if local.month <= end_month else local.year + 1
    if end_month == 12:
        year, month = year + 1, 1
    else:
        month = end_month + 1
    return timezone.make_aware(datetime(year, month, 1))


def seller() -> dict[str, str]:
    return {
        "seller_name": settings.INVOICE_SELLER_NAME,
        "seller_address": settings.INVOICE_SELLER_ADDRESS,
        "seller_vat_number": settings.INVOICE_SELLER_VAT_NUMBER,
    }


def issue_invoice(order: Order, moment: datetime) -> Invoice:
    """The order's invoice, numbered and drawn; inside the transaction that records payment."""
    invoice = Invoice(
        order=order,
        number=next_number(INVOICE, moment),
        issued_at=moment,
        currency=order.currency,
        lines=order.lines,
        subtotal=order.subtotal,
        tax_rate=order.tax_rate,
        tax=order.tax,
        total=order.total,
        buyer_name=order.name,
        buyer_company=order.company,
        buyer_address=order.address,
        **seller(),
    )
    invoice.pdf.save(_file_name(invoice), ContentFile(render_pdf(invoice)), save=False)
    invoice.save()
    return invoice


def issue_credit_note(invoice: Invoice, lines: list[dict], reason: str, moment) -> CreditNote:
    """A credit note giving back `lines` of `invoice` (with their share of the tax)."""
    subtotal = sum((Decimal(line["unit_price"]) * line["quantity"] for line in lines), Decimal(0))
    tax = tax_on(subtotal, invoice.tax_rate)
    note = CreditNote(
        invoice=invoice,
        number=next_number(CREDIT_NOTE, moment),
        issued_at=moment,
        reason=reason[:200],
        currency=invoice.currency,
        lines=lines,
        subtotal=subtotal,
        tax_rate=invoice.tax_rate,
        tax=tax,
        total=subtotal + tax,
    )
    note.pdf.save(_file_name(note), ContentFile(render_pdf(note)), save=False)
    note.save()
    return note


def tax_on(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(Decimal("0.01"))


def _file_name(document) -> str:
    """Random beside the number: a document's number leads nobody to its file."""
    return f"{document.number}-{secrets.token_urlsafe(12)}.pdf"


@receiver(post_delete, sender=Invoice)
@receiver(post_delete, sender=CreditNote)
def delete_pdf(sender, instance, **kwargs) -> None:
    """The retention job deletes a document: its PDF goes too, once the deletion is committed."""
    if instance.pdf:
        name, storage = instance.pdf.name, instance.pdf.storage
        transaction.on_commit(lambda: storage.delete(name))

"""Invoices and credit notes: numbered without gaps, issued once and never edited.

Each document holds what it said when it was issued (the seller's details, the buyer's name,
company and address, the lines and amounts) and its PDF, so a later change of settings or of the
order never changes an issued document. The PDF lives in the "invoices" storage (STORAGES), which
is private: it is handed only to its buyer (forums.events.order_views) and staff.
"""

from django.core.files.storage import storages
from django.db import models


def invoice_storage():
    return storages["invoices"]


class IssuedDocumentError(Exception):
    """An issued invoice or credit note was about to be changed or deleted."""


class DocumentCounter(models.Model):
    """The last number given per series and year; its row is locked while a number is given,
    inside the transaction that issues the document, so a rollback gives the number back."""

    series = models.CharField(max_length=20)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "year"], name="events_one_counter_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last}"


class IssuedDocument(models.Model):
    """What invoices and credit notes share: a number, a date, the amounts and the PDF."""

    number = models.CharField(max_length=20, unique=True)
    issued_at = models.DateTimeField()
    currency = models.CharField(max_length=3)
    lines = models.JSONField(default=list)
    subtotal = models.DecimalField(max_digits=10, decimal_places=2)
    tax_rate = models.DecimalField(max_digits=7, decimal_places=4)
    tax = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    pdf = models.FileField(storage=invoice_storage, upload_to="private/invoices/", max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise IssuedDocumentError(f"{self.number} is issued: it is never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IssuedDocumentError(
            f"{self.number} is an accounting record: only the retention job deletes it."
        )


class Invoice(IssuedDocument):
    order = models.OneToOneField("events.Order", on_delete=models.PROTECT, related_name="invoice")
    seller_name = models.CharField(max_length=200)
    seller_address = models.TextField()
    seller_vat_number = models.CharField(max_length=40, blank=True)
    buyer_name = models.CharField(max_length=120)
    buyer_company = models.CharField(max_length=120, blank=True)
    buyer_address = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]


class CreditNote(IssuedDocument):
    """A refund of (part of) an invoice: its own number, the amounts given back."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["-issued_at", "-id"]

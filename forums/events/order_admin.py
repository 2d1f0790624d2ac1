"""Staff's view of orders, payments, invoices and credit notes: read-only (imported by
admin.py). Issued documents are never edited (the models refuse too); their PDFs open from the
invoice's and credit note's page."""

from django.contrib import admin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from privacy.read_only import WrittenBySite

from .models import CreditNote, Invoice, Order, Payment


class PaymentInline(WrittenBySite, admin.TabularInline):
    model = Payment
    fields = ["variant", "status", "total", "captured_amount", "transaction_id", "created"]
    readonly_fields = fields
    extra = 0


@admin.register(Order)
class OrderAdmin(WrittenBySite, admin.ModelAdmin):
    list_display = ["__str__", "name", "status", "total", "currency", "created", "invoice_number"]
    list_filter = ["status"]
    list_select_related = ["invoice"]
    date_hierarchy = "created"
    readonly_fields = [
        "buyer",
        "name",
        "email",
        "company",
        "address",
        "currency",
        "lines",
        "subtotal",
        "tax_rate",
        "tax",
        "total",
        "refunded",
        "status",
        "created",
        "expires_at",
        "paid_at",
        "closed_at",
        "refund_requested_at",
        "financial_year_end",
    ]
    fields = readonly_fields
    inlines = [PaymentInline]

    @admin.display(description="invoice")
    def invoice_number(self, order):
        invoice = getattr(order, "invoice", None)
        return invoice.number if invoice else "—"


class DocumentAdmin(WrittenBySite, admin.ModelAdmin):
    """What invoices and credit notes share: read-only, and their PDF on their page."""

    list_display = ["number", "issued_at", "total", "currency"]
    date_hierarchy = "issued_at"
    search_fields = ["number"]

    def get_urls(self):
        meta = self.model._meta
        name = f"{meta.app_label}_{meta.model_name}_pdf"
        view = self.admin_site.admin_view(self.pdf_view)
        return [path("<int:pk>/pdf/", view, name=name), *super().get_urls()]

    def pdf_view(self, request, pk: int):
        document = get_object_or_404(self.model, pk=pk)
        if not self.has_view_permission(request, document) or not document.pdf:
            raise Http404("No such document.")
        return FileResponse(
            document.pdf.open("rb"), content_type="application/pdf", filename=f"{document}.pdf"
        )

    @admin.display(description="PDF")
    def pdf_link(self, document):
        meta = self.model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_pdf", args=[document.pk])
        return format_html('<a href="{}">{}.pdf</a>', url, document.number)


@admin.register(Invoice)
class InvoiceAdmin(DocumentAdmin):
    list_display = ["number", "issued_at", "buyer_name", "total", "currency", "order"]
    fields = readonly_fields = [
        "number",
        "pdf_link",
        "issued_at",
        "order",
        "seller_name",
        "seller_address",
        "seller_vat_number",
        "buyer_name",
        "buyer_company",
        "buyer_address",
        "currency",
        "lines",
        "subtotal",
        "tax_rate",
        "tax",
        "total",
    ]


@admin.register(CreditNote)
class CreditNoteAdmin(DocumentAdmin):
    list_display = ["number", "issued_at", "invoice", "reason", "total", "currency"]
    fields = readonly_fields = [
        "number",
        "pdf_link",
        "issued_at",
        "invoice",
        "reason",
        "currency",
        "lines",
        "subtotal",
        "tax_rate",
        "tax",
        "total",
    ]

"""The PDF of an invoice or a credit note, drawn with ReportLab (pure Python, from PyPI).

Everything on it comes from the document's own row, so the PDF says what the document said when
it was issued. Texts from people (names, addresses) are escaped: ReportLab's paragraphs read a
little markup.
"""

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import CreditNote


def _text(value: str) -> str:
    """Escaped, line breaks kept, control characters out (ReportLab would choke on them)."""
    clean = "".join(ch for ch in str(value) if ch == "\n" or ch.isprintable())
    return escape(clean).replace("\n", "<br/>")


def _money(amount, currency: str) -> str:
    return f"{currency} {Decimal(amount):,.2f}"


def render_pdf(document) -> bytes:
    """The invoice's or credit note's PDF, as bytes."""
    is_credit = isinstance(document, CreditNote)
    invoice = document.invoice if is_credit else document
    styles = getSampleStyleSheet()
    body, title = styles["BodyText"], styles["Title"]
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{'Credit note' if is_credit else 'Invoice'} {document.number}",
        author=invoice.seller_name,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
    )
    story = [
        Paragraph(_text(f"{'Credit note' if is_credit else 'Invoice'} {document.number}"), title),
        Paragraph(_text(_dates(document, invoice, is_credit)), body),
        Spacer(1, 6 * mm),
        _parties(invoice, body),
        Spacer(1, 8 * mm),
        _lines_table(document),
        Spacer(1, 8 * mm),
    ]
    if is_credit:
        story.append(Paragraph(_text(f"Reason: {document.reason}"), body))
    story.append(Paragraph(_text(_footer(invoice, is_credit)), body))
    pdf.build(story)
    return buffer.getvalue()


def _dates(document, invoice, is_credit: bool) -> str:
    issued = timezone.localtime(document.issued_at).strftime("%d %B %Y")
    if is_credit:
        return f"Date: {issued}\nCredits invoice {invoice.number}"
    return f"Date of issue and of supply: {issued}"


def _parties(invoice, style) -> Table:
    seller = [invoice.seller_name, invoice.seller_address]
    if invoice.seller_vat_number:
        seller.append(f"VAT number: {invoice.seller_vat_number}")
    buyer = [invoice.buyer_name, invoice.buyer_company, invoice.buyer_address]
    cells = [
        [Paragraph("<b>From</b>", style), Paragraph("<b>To</b>", style)],
        [
            Paragraph(_text("\n".join(filter(None, seller))), style),
            Paragraph(_text("\n".join(filter(None, buyer))), style),
        ],
    ]
    table = Table(cells, colWidths=[85 * mm, 85 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _lines_table(document) -> Table:
    currency = document.currency
    rows = [["Description", "Quantity", "Unit price", "Amount"]]
    for line in document.lines:
        unit = Decimal(line["unit_price"])
        rows.append(
            [
                Paragraph(_text(line["description"])),
                str(line["quantity"]),
                _money(unit, currency),
                _money(unit * line["quantity"], currency),
            ]
        )
    rate = f"{document.tax_rate * 100:.2f}".rstrip("0").rstrip(".")
    rows += [
        ["", "", "Subtotal", _money(document.subtotal, currency)],
        ["", "", f"Tax ({rate}%)", _money(document.tax, currency)],
        ["", "", "Total", _money(document.total, currency)],
    ]
    table = Table(rows, colWidths=[80 * mm, 20 * mm, 35 * mm, 35 * mm])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEABOVE", (2, -3), (-1, -3), 0.5, colors.grey),
                ("FONTNAME", (2, -1), (-1, -1), "Helvetica-Bold"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _footer(invoice, is_credit: bool) -> str:
    paid = "Refunded to the card or account that paid." if is_credit else "Paid in full. Thank you."
    return f"{paid}\nQuestions: {settings.INVOICE_SELLER_EMAIL}"

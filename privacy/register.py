"""The register of processing (Art. 30, P27) as documents an auditor can file: a PDF and a CSV,
dated, with the site's name and the data protection officer's contact, written from the same
declarations as the page at /privacy/register/ (privacy.registry), so neither can drift from
what the software does."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from . import registry

TITLE = "Register of processing activities (Article 30 GDPR)"
COLUMNS = [
    "Data",
    "What it is",
    "Purpose",
    "Legal basis",
    "Recipients",
    "Retention",
    "On erasure",
]
# Column widths in the PDF, in millimetres (landscape A4 less its margins: 267 mm).
WIDTHS = [40, 45, 40, 25, 35, 47, 35]


def entries() -> Iterator[list[str]]:
    """One row per declaration, in the register's order, in COLUMNS' order."""
    for declaration in registry.declarations():
        erasure = declaration.erasure.action.capitalize()
        if declaration.erasure.reason:
            erasure += f": {declaration.erasure.reason}"
        yield [
            f"{declaration.name} ({declaration.model_label}: {', '.join(declaration.fields)})",
            declaration.description,
            declaration.purpose,
            declaration.legal_basis_display,
            declaration.recipients,
            retention(declaration),
            erasure,
        ]


def retention(declaration) -> str:
    rules = [
        f"{rule.description} {rule.period_display}, then {rule.action_display}"
        + (f" ({rule.setting})" if rule.setting else "")
        + "."
        for rule in declaration.retention
    ]
    return " ".join(rules) or "As long as the account exists."


def heading(day: date) -> list[tuple[str, str]]:
    return [
        ("Controller", settings.SITE_NAME),
        ("Data protection officer", settings.DPO_EMAIL),
        ("Generated", f"{day:%d %B %Y}, from the personal-data declarations in the code"),
    ]


def filename(day: date, extension: str) -> str:
    return f"register-of-processing-{day:%Y-%m-%d}.{extension}"


def csv_rows(day: date | None = None) -> Iterator[list[str]]:
    """The CSV: the heading as label/value rows, a blank row, then the table with its header."""
    yield [TITLE]
    for label, value in heading(day or timezone.localdate()):
        yield [label, value]
    yield []
    yield ["Key", *COLUMNS]
    for declaration, entry in zip(registry.declarations(), entries(), strict=True):
        yield [declaration.key, *entry]


def pdf(day: date | None = None, *, compress: bool = True) -> bytes:
    """The PDF (landscape A4, a table that repeats its header on every page)."""
    day = day or timezone.localdate()
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=7.5, leading=9)
    head = cell.clone("head", fontName="Helvetica-Bold")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=TITLE,
        author=settings.SITE_NAME,
        pageCompression=1 if compress else 0,
    )
    story = [Paragraph(escape(TITLE), styles["Title"])]
    for label, value in heading(day):
        story.append(Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", styles["BodyText"]))
    story.append(Spacer(1, 5 * mm))
    rows = [[Paragraph(escape(name), head) for name in COLUMNS]]
    rows += [[Paragraph(escape(text), cell) for text in entry] for entry in entries()]
    table = LongTable(rows, colWidths=[w * mm for w in WIDTHS], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
            ]
        )
    )
    story.append(table)
    document.build(story, onFirstPage=_footer(day), onLaterPages=_footer(day))
    return buffer.getvalue()


def _footer(day: date):
    def draw(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        text = f"{settings.SITE_NAME} · {TITLE} · {day:%d %B %Y} · page {document.page}"
        canvas.drawString(15 * mm, 8 * mm, text)
        canvas.restoreState()

    return draw

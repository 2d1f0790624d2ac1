"""The data export (P12): one ZIP with data.json (machine-readable) and index.html (readable).

Both files are written record by record from the registry's exporters into a temporary file, so
a member with tens of thousands of posts never needs the whole export in memory. The site holds
no files uploaded by members, so the ZIP holds only these two.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterable

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from . import registry
from .models import DataExport

SCHEMA_VERSION = 1
_encoder = DjangoJSONEncoder(ensure_ascii=False)


def write_export(export: DataExport, *, subject) -> None:
    """Build the ZIP for `subject` (a member or an address) into `export.file`; not saved."""
    with tempfile.TemporaryFile() as spool:
        write_zip(spool, subject)
        name = f"exports/request-{export.request_id}-export-{export.pk}.zip"
        storage = export.file.storage
        if storage.exists(name):  # a rerun after a crash replaces the half-built file
            storage.delete(name)
        export.file.name = storage.save(name, File(spool, name=name))
        export.size = spool.tell()


def write_zip(fileobj, subject) -> None:
    generated = timezone.now()
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("data.json", "w", force_zip64=True) as raw:
            with io.TextIOWrapper(raw, encoding="utf-8") as out:
                write_json(out, subject, generated)
        with archive.open("index.html", "w", force_zip64=True) as raw:
            with io.TextIOWrapper(raw, encoding="utf-8") as out:
                write_html(out, subject, generated)


def write_json(out, subject, generated) -> None:
    """{"schema_version", "generated", "site", "kinds": {key: about}, "data": {key: [...]}}"""
    about = {
        d.key: {
            "name": d.name,
            "description": d.description,
            "purpose": d.purpose,
            "legal_basis": d.legal_basis_display,
            "recipients": d.recipients,
        }
        for d in registry.declarations()
    }
    head = {"schema_version": SCHEMA_VERSION, "generated": generated, "site": settings.SITE_NAME}
    out.write(_encoder.encode(head)[:-1])
    out.write(f', "kinds": {_encoder.encode(about)}, "data": {{')
    for index, (declaration, records) in enumerate(registry.export(subject)):
        out.write(f"{', ' if index else ''}{_encoder.encode(declaration.key)}: [")
        for n, record in enumerate(records):
            out.write(("," if n else "") + "\n" + _encoder.encode(record))
        out.write("]")
    out.write("}}\n")


def write_html(out, subject, generated) -> None:
    declarations = registry.declarations()
    context = {
        "generated": generated,
        "declarations": declarations,
        "SITE_NAME": settings.SITE_NAME,
    }
    head, foot = render_to_string("privacy/request_export_index.html", context).split(
        "<!-- DATA -->"
    )
    out.write(head)
    for declaration, records in registry.export(subject):
        out.write(
            f'<section id="{escape(declaration.key)}"><h2>{escape(declaration.name)}</h2>'
            f"<p>{escape(declaration.description)}</p>"
            f'<p class="meta">Why: {escape(declaration.purpose)} Legal basis: '
            f"{escape(declaration.legal_basis_display)}.</p>"
        )
        _write_table(out, records)
        out.write("</section>\n")
    out.write(foot)


def _write_table(out, records: Iterable[dict]) -> None:
    columns = None
    for record in records:
        if columns is None:
            columns = list(record)
            header = "".join(f'<th scope="col">{escape(_label(c))}</th>' for c in columns)
            out.write(f"<table><thead><tr>{header}</tr></thead><tbody>\n")
        cells = "".join(f"<td>{escape(_text(record.get(c)))}</td>" for c in columns)
        out.write(f"<tr>{cells}</tr>\n")
    out.write("</tbody></table>" if columns else "<p>We hold nothing of this kind about you.</p>")


def _label(column: str) -> str:
    return column.replace("__", " ").replace("_", " ").capitalize()


def _text(value) -> str:
    if value is None or value == "":
        return "\u2014"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    encoded = _encoder.encode(value)  # dates, decimals, UUIDs as in data.json
    return json.loads(encoded) if encoded.startswith('"') else encoded

"""The data export (P12): the task's work, once a member's request or staff started it
(`state.produce_export`). One ZIP with data.json (machine-readable) and index.html (readable).

Both files are written record by record from the registry's exporters into a temporary file, so
a member with tens of thousands of posts never needs the whole export in memory. The site holds
no files uploaded by members; the files a declaration names as the person's (an invoice's PDF,
say: ``Declaration.files``) go in beside them, under ``files/<kind>/``.
"""

from __future__ import annotations

import io
import secrets
import shutil
import tempfile
import zipfile
from datetime import date, datetime
from html import escape  # the standard library's: several times faster on big exports

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .. import registry
from .models import DataExport, DataRequest, RequestEvent
from .state import close, locked

SCHEMA_VERSION = 1
_encoder = DjangoJSONEncoder(ensure_ascii=False)
Status, Action = DataRequest.Status, RequestEvent.Action


def build_export(export_id: int) -> None:
    """Safe to run twice, and a rerun after a crash starts the file afresh."""
    export = DataExport.objects.select_related("request", "user").filter(pk=export_id).first()
    if export is None or export.ready:
        return
    request = export.request
    write_export(export, subject=export.user or request.email)
    with transaction.atomic():
        export.ready = timezone.now()
        export.save(update_fields=["file", "size", "ready"])
        request = locked(request)
        request.enqueued = None
        request.save(update_fields=["enqueued"])
        RequestEvent.objects.create(request=request, action=Action.EXPORT_READY)
        if request.is_pending:
            close(
                request, Status.COMPLETED, "A copy of your data was sent.", None, Action.COMPLETED
            )


def write_export(export: DataExport, *, subject) -> None:
    """Build the ZIP for `subject` (a member or an address) into `export.file`; the caller saves
    it. The file's name is random (a request's number leads nobody to it) and is saved before
    the file is written, so that a rerun after a crash replaces the half-built file."""
    if not export.file.name:
        export.file.name = f"exports/{secrets.token_urlsafe(32)}.zip"
        export.save(update_fields=["file"])
    name = export.file.name
    with tempfile.TemporaryFile() as spool:
        write_zip(spool, subject)
        storage = export.file.storage
        if storage.exists(name):  # a rerun after a crash replaces the half-built file
            storage.delete(name)
        export.file.name = storage.save(name, File(spool, name=name))
        export.size = spool.tell()


def write_zip(fileobj, subject) -> None:
    """One pass over the registry's exporters writes data.json straight into the ZIP and
    index.html into a temporary file, copied in afterwards (a ZIP takes one entry at a time)."""
    generated = timezone.now()
    with (
        zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        tempfile.TemporaryFile() as html_file,
    ):
        html = io.TextIOWrapper(html_file, encoding="utf-8")
        with archive.open("data.json", "w", force_zip64=True) as raw:
            with io.TextIOWrapper(raw, encoding="utf-8") as data:
                _write(data, html, subject, generated)
        html.flush()
        html.detach()
        html_file.seek(0)
        with archive.open("index.html", "w", force_zip64=True) as raw:
            shutil.copyfileobj(html_file, raw)
        _write_files(archive, subject)


def _write_files(archive, subject) -> None:
    """The files that belong to the person (invoices, say), each under files/<kind>/."""
    for declaration, name, file in registry.export_files(subject):
        path = f"files/{declaration.key}/{name.replace('/', '_')}"
        with file.open("rb") as source, archive.open(path, "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target)


def _write(data, html, subject, generated) -> None:
    """data.json: {"schema_version", "generated", "site", "kinds": {key: about},
    "data": {key: [records]}}; index.html: the same as a page, a section per kind."""
    page_foot = _write_heads(data, html, generated)
    for index, (declaration, records) in enumerate(registry.export(subject)):
        data.write(f"{', ' if index else ''}{_encoder.encode(declaration.key)}: [")
        _write_kind(data, html, declaration, records)
        data.write("]")
    data.write("}}\n")
    html.write(page_foot)


def _write_heads(data, html, generated) -> str:
    """What both files say before the records: when, from where, and what each kind of data is.
    Returns the end of the page, written after the last kind."""
    declarations = registry.declarations()
    about = {
        d.key: {
            "name": d.name,
            "description": d.description,
            "purpose": d.purpose,
            "legal_basis": d.legal_basis_display,
            "recipients": d.recipients,
        }
        for d in declarations
    }
    head = {"schema_version": SCHEMA_VERSION, "generated": generated, "site": settings.SITE_NAME}
    data.write(_encoder.encode(head)[:-1])
    data.write(f', "kinds": {_encoder.encode(about)}, "data": {{')
    context = {
        "generated": generated,
        "declarations": declarations,
        "SITE_NAME": settings.SITE_NAME,
    }
    page = render_to_string("privacy/request_export_index.html", context)
    page_head, page_foot = page.split("<!-- DATA -->")
    html.write(page_head)
    return page_foot


def _write_kind(data, html, declaration, records) -> None:
    """One kind of data: its records into data.json's list, and a section with a table of them
    into index.html."""
    html.write(
        f'<section id="{escape(declaration.key)}"><h2>{escape(declaration.name)}</h2>'
        f"<p>{escape(declaration.description)}</p>"
        f'<p class="meta">Why: {escape(declaration.purpose)} Legal basis: '
        f"{escape(declaration.legal_basis_display)}.</p>"
    )
    columns = None
    for record in records:
        if columns is None:
            columns = list(record)
            header = "".join(f'<th scope="col">{escape(_label(c))}</th>' for c in columns)
            html.write(f"<table><thead><tr>{header}</tr></thead><tbody>\n")
        else:
            data.write(",")
        data.write("\n" + _encoder.encode(record))
        cells = "".join(f"<td>{escape(_text(record.get(c)))}</td>" for c in columns)
        html.write(f"<tr>{cells}</tr>\n")
    html.write("</tbody></table>" if columns else "<p>We hold nothing of this kind.</p>")
    html.write("</section>\n")


def _label(column: str) -> str:
    return column.replace("__", " ").replace("_", " ").capitalize()


def _text(value) -> str:
    if value is None or value == "":
        return "\u2014"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return _encoder.encode(value)
    return str(value)

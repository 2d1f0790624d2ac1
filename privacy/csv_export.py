"""The one CSV writer: every CSV the site produces is streamed through csv_response."""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...) that
# sends the sheet's contents elsewhere, =cmd|...). OWASP "CSV Injection": prefix a single quote.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """A file-like object whose write returns the line, for streaming a CSV."""

    def write(self, value):
        return value


def neutralise(cell):
    """The cell as a spreadsheet shows it as text, never as a formula. Numbers stay numbers."""
    if isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS):
        return "'" + cell
    return cell


def csv_response(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """`rows` (the first being the header) as a CSV download, streamed row by row."""
    writer = csv.writer(Echo())
    return StreamingHttpResponse(
        (writer.writerow([neutralise(cell) for cell in row]) for row in rows),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

"""The desk in the admin (``/admin/privacy/desk/``): privacy officers and administrators only;
the admin's own sign-in and the staff second factor come first (P7)."""

from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone

from . import board, rows  # noqa: F401  (rows: the row functions register themselves)

PERMISSION = "privacy.view_desk"


@permission_required(PERMISSION, raise_exception=True)
def desk(request):
    now = timezone.now()
    found = board.compute(now)
    context = {
        **admin.site.each_context(request),
        "title": "Privacy officer's desk",
        "rows": found,
        "now": now,
        "overall": board.worst(found),
        "overall_label": board.LABELS[board.worst(found)],
        "counts": {
            label: sum(1 for r in found if r.status == status)
            for status, label in board.LABELS.items()
        },
    }
    return render(request, "admin/privacy/desk.html", context)

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import register as documents
from . import registry
from .csv_export import csv_response


@permission_required("privacy.view_register", raise_exception=True)
def register(request):
    """The register of processing (P27), generated from the code's own declarations."""
    return render(request, "privacy/register.html", {"declarations": registry.declarations()})


@permission_required("privacy.view_register", raise_exception=True)
def register_pdf(request):
    """The register as a dated PDF an auditor can file (Art. 30)."""
    day = timezone.localdate()
    response = HttpResponse(documents.pdf(day), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(day, "pdf")}"'
    return response


@permission_required("privacy.view_register", raise_exception=True)
def register_csv(request):
    """The register as a dated CSV, through the one CSV writer."""
    day = timezone.localdate()
    return csv_response(documents.csv_rows(day), documents.filename(day, "csv"))

"""Pages for data-subject requests: a member's /privacy/my-data/, a visitor's request form,
the confirmation link and the export download (P12-P15)."""

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import emails, registry
from ..cookies.preferences import remembered_contact
from ..stats import count_feature
from . import limits, links, state
from .errors import RequestError
from .forms import ErasureForm, MemberRequestForm, VisitorRequestForm
from .models import DataExport, DataRequest
from .restriction import is_restricted

Kind = DataRequest.Kind


@login_required
def my_data(request, form=None):
    data_requests = DataRequest.objects.filter(user=request.user).prefetch_related(
        Prefetch("exports", queryset=DataExport.objects.downloadable(), to_attr="downloads")
    )
    rows = [
        (r, [(e, links.export_url(e)) for e in r.downloads if e.user_id == request.user.pk])
        for r in data_requests
    ]
    context = {
        "rows": rows,
        "form": form or MemberRequestForm(),
        "self_service_export": settings.DATA_REQUESTS_SELF_SERVICE_EXPORT,
        "export_pending": limits.export_in_progress(data_requests),
        "restricted": is_restricted(request.user),
    }
    return render(request, "privacy/my_data.html", context, status=400 if form else 200)


@login_required
@require_POST
def request_export(request):
    if not settings.DATA_REQUESTS_SELF_SERVICE_EXPORT:
        raise Http404
    if limits.export_in_progress(DataRequest.objects.filter(user=request.user)):
        messages.info(request, "We are already preparing a copy of your data.")
        return redirect("privacy:my_data")
    try:
        state.create(kind=Kind.ACCESS, user=request.user)
    except RequestError as error:
        messages.error(request, str(error))
    else:
        count_feature("export")
        messages.success(request, "We are preparing a copy of your data and will email you.")
    return redirect("privacy:my_data")


@login_required
@require_POST
def member_request(request):
    form = MemberRequestForm(request.POST)
    if form.is_valid():
        try:
            state.create(user=request.user, **form.cleaned_data)
        except RequestError as error:
            form.add_error(None, str(error))
    if form.errors:
        return my_data(request, form=form)
    if form.cleaned_data["kind"] == Kind.ACCESS:  # when staff produce the exports
        count_feature("export")
    messages.success(request, "Your request is received. We will answer within one month.")
    return redirect("privacy:my_data")


@login_required
@require_POST
def withdraw_request(request, pk: int):
    data_request = get_object_or_404(DataRequest, pk=pk, user=request.user)
    try:
        state.withdraw(data_request)
    except RequestError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your request is withdrawn.")
    return redirect("privacy:my_data")


@login_required
def erase_account(request):
    if request.method == "POST":
        form = ErasureForm(request.POST, user=request.user)
        if not ratelimit.consume(request, action="erase_account", dry_run=True):
            form.add_error(None, "Too many attempts. Try again in a quarter of an hour.")
        elif form.is_valid():
            state.create(kind=Kind.ERASURE, user=request.user, keep_posts=form.keep_posts)
            logout(request)
            return render(request, "privacy/request_erasing.html")
        else:  # a wrong password or code counts towards the pause
            ratelimit.consume(request, action="erase_account")
    else:
        form = ErasureForm(user=request.user)
    status = 400 if form.errors else 200
    context = {"form": form, "kept": registry.kept_on_erasure(request.user)}
    return render(request, "privacy/request_erase.html", context, status=status)


def new_request(request):
    """A visitor's request: it exists once they follow the link emailed to the address."""
    if request.user.is_authenticated:
        return redirect("privacy:my_data")
    if request.method == "POST":
        form = VisitorRequestForm(request.POST)
        if form.is_valid():
            return emails.confirm_by_email(
                request,
                action="data_request_confirmation",
                email=form.cleaned_data["email"].lower(),
                start=lambda: state.create(**form.cleaned_data),
                page="privacy/request_check_inbox.html",
            )
    else:
        form = VisitorRequestForm(initial=remembered_contact(request))
    status = 400 if form.errors else 200
    return render(request, "privacy/request_new.html", {"form": form}, status=status)


def confirm_request(request, token: str):
    """GET shows a button and POST confirms, so link scanners confirm nothing."""
    try:
        data_request = links.request_to_confirm(token)
        if request.method == "POST":
            state.confirm(data_request)
            return render(request, "privacy/request_confirmed.html", {"data_request": data_request})
    except RequestError as error:
        return render(request, "privacy/request_confirm.html", {"error": error}, status=400)
    return render(request, "privacy/request_confirm.html", {"data_request": data_request})


def download_export(request, token: str):
    """Only to its owner: a member's export needs the link and their signed-in account."""
    export = links.export_for_token(token)
    if export is None or not export.file:
        raise Http404("This download link has expired or is not valid.")
    if export.user_id is not None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.pk != export.user_id:
            raise Http404("This download link has expired or is not valid.")
    filename = f"my-data-{export.created:%Y-%m-%d}.zip"
    response = FileResponse(export.file.open("rb"), as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response

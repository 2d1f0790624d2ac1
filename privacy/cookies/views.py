"""Choosing, changing and withdrawing cookie consent (P19, P21): the settings page, and the
library's accept and decline URLs, each choice with a receipt."""

from cookie_consent.forms import ProcessCookiesForm
from cookie_consent.views import is_ajax_like
from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_POST

from community.redirects import redirect_to_next

from . import choices
from .forms import CookieChoiceForm


def _cookie_choice_redirect(request):
    """Back to the page the choice was made on, or to the cookie settings. A bad `next` is not
    the choice's fault, so it is not part of the forms: the choice is saved all the same."""
    return redirect_to_next(
        request, request.POST.get("next"), fallback="cookie_consent_cookie_group_list"
    )


def cookie_settings(request):
    """Choose, change or withdraw cookie consent (P19, P21); shows the consent receipt."""
    status = 200
    if request.method == "POST":
        form = CookieChoiceForm(request.POST)
        if form.is_valid():
            response = _cookie_choice_redirect(request)
            choices.record_choice(request, response, **form.chosen_groups())
            messages.success(request, "Your cookie choices are saved.")
            return response
        status = 400
    else:
        form = CookieChoiceForm(initial={"accepted": choices.accepted_groups(request)})
    groups = [g for g in choices.declared_groups() if g.is_required or choices.in_use(g)]
    context = {
        "form": form,
        "checked": form.data.getlist("accepted") if form.is_bound else form.initial["accepted"],
        # Like the bar, only the groups in use: the declaration (/privacy/cookies/) lists all.
        "groups": groups,
        "has_optional": any(not group.is_required for group in groups),
        "receipt": choices.current_receipt(request),
        "cookie_banner": None,  # this page is the banner's full version
    }
    return render(request, "privacy/cookie_settings.html", context, status=status)


@require_POST
def cookie_accept(request):
    """Accept cookie groups: django-cookie-consent's URL, used by its banner script."""
    return _process_cookie_groups(request, "accept")


@require_POST
def cookie_decline(request):
    """Decline cookie groups: django-cookie-consent's URL, used by its banner script."""
    return _process_cookie_groups(request, "decline")


def _process_cookie_groups(request, action: str):
    form = ProcessCookiesForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Unknown cookie group.")
    if is_ajax_like(request):
        response = HttpResponse(status=204)
    else:
        response = _cookie_choice_redirect(request)
        messages.success(request, "Your cookie choices are saved.")
    if groups := form.get_cookie_groups():
        choices.record_choice(request, response, **{action: groups})
    return response

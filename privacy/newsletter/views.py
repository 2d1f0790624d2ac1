"""Pages for email choices: members' preferences, visitors' sign-up, unsubscribing (P9-P11)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from .. import emails
from ..cookies.preferences import remembered_contact
from . import subscription
from .forms import PreferencesForm, SubscribeForm


@login_required
def preferences(request):
    if request.method == "POST":
        form = PreferencesForm(request.POST, user=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, "Your email preferences are saved.")
            return redirect("privacy:preferences")
    else:
        form = PreferencesForm(user=request.user)
    return render(request, "privacy/preferences.html", {"form": form})


def subscribe(request):
    """A visitor subscribes with an email address; a link in an email confirms it."""
    if request.user.is_authenticated:
        return redirect("privacy:preferences")
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"].lower()
            return emails.confirm_by_email(
                request,
                action="newsletter_confirmation",
                email=email,
                start=lambda: subscription.request_subscription(email),
                page="privacy/newsletter_check_inbox.html",
            )
    else:
        form = SubscribeForm(initial=remembered_contact(request))
    return render(request, "privacy/newsletter_subscribe.html", {"form": form})


def confirm(request, token: str):
    """GET shows a button and POST confirms, so link scanners cannot subscribe anyone."""
    if request.method == "POST":
        outcome = subscription.confirm_subscription(token)
        status = (
            400 if outcome in (subscription.Outcome.INVALID, subscription.Outcome.EXPIRED) else 200
        )
        return render(
            request, "privacy/newsletter_confirmed.html", {"outcome": outcome.value}, status=status
        )
    return render(request, "privacy/newsletter_confirm.html")


@csrf_exempt  # the signed token is the credential; RFC 8058 one-click POSTs carry no CSRF token
def unsubscribe(request, token: str):
    """POST unsubscribes at once (RFC 8058); GET shows a one-button page."""
    who = subscription.read_unsubscribe_token(token)
    if who is None:
        return render(request, "privacy/unsubscribe.html", {"outcome": "invalid"}, status=400)
    if request.method == "POST":
        outcome = subscription.unsubscribe(who)
        return render(request, "privacy/unsubscribe.html", {"outcome": outcome.value})
    return render(request, "privacy/unsubscribe.html", {"outcome": "ask"})

"""Events pages: the list, an event with its registration form, the calendar file, the
confirmation and registration links, a member's own registrations."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from privacy import registry
from privacy.cookies import preferences
from privacy.emails import confirm_by_email

from . import calendar, checkout, links, registration, sponsor_consent
from .forms import NEEDS_REASON, RegistrationForm
from .models import Event, Registration

EVENTS_PER_PAGE = 20


def event_list(request):
    past = request.GET.get("when") == "past"
    events = Event.objects.past() if past else Event.objects.upcoming()
    events = events.with_seats_left()
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "events/event_list.html", {"page": page, "past": past})


def _initial(request) -> dict:
    """The member's profile (name, email, company, job title), or what a visitor let us
    remember (P22)."""
    if request.user.is_authenticated:
        return registry.member_facts(request.user)
    return preferences.remembered_contact(request)


def _own_registration(request, event: Event) -> Registration | None:
    if not request.user.is_authenticated:
        return None
    return event.registrations.active().filter(user=request.user).first()


def event_detail(request, slug: str):
    events = Event.objects.published().select_related("topic", "sponsor")
    event = get_object_or_404(events, slug=slug)
    form = None
    if event.is_open() and request.method == "POST":
        form = RegistrationForm(request.POST, event=event)
        if form.is_valid():
            return _register(request, event, form)
    elif event.is_open():
        form = RegistrationForm(initial=_initial(request), event=event)
    if form is not None and not form.has_tickets:
        form = None  # no ticket on sale here yet
    context = {
        "event": event,
        "form": form,
        "seats_left": registration.seats_left(event),
        "mine": _own_registration(request, event),
        "needs_reason": NEEDS_REASON.format(days=settings.EVENTS_NEEDS_RETENTION_DAYS),
        "offer_hours": f"{settings.EVENTS_OFFER_HOURS} hours",
    }
    # A POST that did not register (closed event, form errors) is a 400 with the page.
    status = 400 if request.method == "POST" else 200
    return render(request, "events/event_detail.html", context, status=status)


def _register(request, event: Event, form: RegistrationForm) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None

    def make():
        choice = sponsor_consent.sponsor_choice(event, user=user, data=form.cleaned_data)
        return registration.register(
            event,
            form.cleaned_data["ticket_type"],
            user=user,
            details=form.details(),
            answers=form.answers(),
            sponsor_consent=choice,
        )

    def start():
        try:
            make()
        except registration.RegistrationRefused:
            pass  # closed since the page was shown: nothing booked, nothing sent

    if user is None:
        return confirm_by_email(
            request,
            action="event_registration",
            email=form.cleaned_data["email"],
            start=start,
            page="events/check_inbox.html",
        )
    try:
        made = make()
    except registration.RegistrationRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(event)
    if made.status == Registration.Status.AWAITING_PAYMENT:
        return checkout.start(request, made)
    return redirect(links.manage_url(made, absolute=False))


def event_calendar(request, slug: str):
    event = get_object_or_404(Event.objects.published(), slug=slug)
    response = HttpResponse(calendar.ics(event, request), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def confirm(request, token: str):
    """A visitor's emailed link: a button to confirm (a link scanner's GET changes nothing)."""
    found = links.registration_to_confirm(token)
    if found is None:
        return render(request, "events/link_expired.html", status=404)
    if request.method == "POST":
        try:
            confirmed = registration.confirm(found)
        except registration.RegistrationRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(found.event)
        if confirmed.status == Registration.Status.AWAITING_PAYMENT:
            return checkout.start(request, confirmed)
        return redirect(links.manage_url(found, absolute=False))
    return render(request, "events/confirm.html", {"registration": found})


def registration_page(request, token: str):
    """One's registration through its signed link: the ticket, cancelling, claiming an offer."""
    found = links.registration_to_manage(token)
    if found is None:
        return render(request, "events/link_expired.html", status=404)
    context = {
        "registration": found,
        "event": found.event,
        "sponsor_consented": found.event.sponsor_id
        and Registration.objects.filter(pk=found.pk).consenting_to_sponsor().exists(),
        "ticket": links.ticket(found) if found.holds_seat else "",
    }
    return render(request, "events/registration.html", context)


@require_POST
def registration_action(request, token: str, action: str):
    found = links.registration_to_manage(token)
    if found is None:
        return render(request, "events/link_expired.html", status=404)
    try:
        if action == "cancel":
            registration.cancel_registration(found)
            messages.success(request, "Your registration is cancelled. We have emailed you.")
        elif action == "pay":  # a seat held for a paid ticket: its order (again, in this browser)
            if found.status == Registration.Status.AWAITING_PAYMENT:
                return checkout.start(request, found)
        elif action == "stop-sponsor":
            if sponsor_consent.withdraw_sponsor_consent(found):
                messages.success(request, "We will not pass your details to the sponsor.")
        else:
            found = registration.claim_offer(found)
            if found.status == Registration.Status.AWAITING_PAYMENT:
                return checkout.start(request, found)
            messages.success(request, "The seat is yours. Your ticket is on its way by email.")
    except registration.RegistrationRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("events:registration", token=token)


@login_required
def my_events(request):
    mine = (
        Registration.objects.of_person(request.user)
        .select_related("event", "ticket_type")
        .order_by("-event__starts_at", "-id")
    )
    rows = [(r, links.manage_url(r, absolute=False)) for r in mine]
    return render(request, "events/my_events.html", {"rows": rows})

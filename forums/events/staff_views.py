"""Staff pages for one event: the attendee list with counts, and check-in at the door. Only
for staff with events.view_attendees (never moderators as such, P7); the access and dietary
needs column only with events.view_needs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render

from . import door, registration
from .forms import CheckInForm
from .models import Answer, Event, Registration

VIEW_ATTENDEES = "events.view_attendees"
VIEW_NEEDS = "events.view_needs"


def _event_for_staff(request, slug: str) -> Event:
    if not request.user.has_perm(VIEW_ATTENDEES):
        raise PermissionDenied
    return get_object_or_404(Event, slug=slug)


def counts(event: Event) -> dict:
    """How many registrations in each state, and how many checked in (one query)."""
    by_status = {
        status.replace("-", "_"): Count("pk", filter=Q(status=status))
        for status in Registration.Status.values
    }
    return event.registrations.aggregate(
        **by_status, checked_in=Count("pk", filter=Q(checked_in_at__isnull=False))
    )


@login_required
def attendees(request, slug: str):
    event = _event_for_staff(request, slug)
    people = (
        event.registrations.active()
        .exclude(status=Registration.Status.PENDING_CONFIRMATION)
        .select_related("ticket_type")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("id")))
        .order_by("name", "id")
    )
    questions = list(event.questions.all())
    rows = []
    for person in people:
        answered = {answer.question_id: answer.text for answer in person.answers.all()}
        rows.append((person, [answered.get(q.pk, "") for q in questions]))
    context = {
        "event": event,
        "rows": rows,
        "counts": counts(event),
        "seats_left": registration.seats_left(event),
        "show_needs": request.user.has_perm(VIEW_NEEDS),
        "questions": questions,
    }
    return render(request, "events/attendees.html", context)


@login_required
def check_in(request, slug: str):
    event = _event_for_staff(request, slug)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            found = door.check_in(event, form.cleaned_data["ticket"])
        except registration.RegistrationRefused as refusal:
            form.add_error("ticket", str(refusal))
        else:
            messages.success(request, f"{found.name} is checked in ({found.ticket_type.name}).")
            return redirect("events:check_in", slug=event.slug)
    status = 400 if form.errors else 200
    context = {
        "event": event,
        "form": form,
        "counts": counts(event),
        "seats_left": registration.seats_left(event),
    }
    return render(request, "events/check_in.html", context, status=status)

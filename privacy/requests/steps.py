"""What staff can do next with a request: the buttons at the top of its page in the admin.

Each step is one of the admin's list actions (privacy/requests/admin.py), which call the state
functions (state.py). A step is offered only while the state functions would accept it, and
the admin refuses any other, so a forged or stale button changes nothing. Work already sent to
the workers (an export or an erasure under way) is not offered again: the sweep re-sends it.
"""

from dataclasses import dataclass

from django.utils import timezone

from .models import DataRequest, ProcessingRestriction
from .restriction import is_restricted

Kind, Status = DataRequest.Kind, DataRequest.Status


@dataclass(frozen=True)
class Step:
    name: str  # the admin action's name
    label: str
    asks: bool = False  # the action first asks for a reason, an outcome or a date
    refusal: bool = False  # shown apart, so it is not pressed for the next step


def next_steps(request: DataRequest, today=None) -> list[Step]:
    """The steps the request can take now, the likeliest first."""
    status, pending = request.status, request.is_pending
    candidates = [
        (status == Status.AWAITING_CONFIRMATION, Step("confirm_identity", "Confirm identity")),
        (status in (Status.OPEN, Status.WAITING), Step("start", "Start work")),
        (_may_produce(request, Kind.ACCESS), Step("produce_export", "Produce the export")),
        (_may_produce(request, Kind.ERASURE), Step("carry_out_erasure", "Carry out the erasure")),
        (_may_restrict(request), Step("restrict", "Restrict processing")),
        (_restricted_by(request), Step("lift_restriction", "Lift the restriction")),
        (pending, Step("wait_on_requester", "Ask the requester for something", asks=True)),
        (_may_extend(request, today), Step("extend", "Extend the deadline", asks=True)),
        (pending, Step("complete", "Mark completed", asks=True)),
        (
            status not in DataRequest.CLOSED,
            Step("refuse", "Refuse", asks=True, refusal=True),
        ),
    ]
    return [step for allowed, step in candidates if allowed]


def step_named(request: DataRequest, name: str) -> Step | None:
    """The step called `name` if the request can take it now."""
    return next((step for step in next_steps(request) if step.name == name), None)


def _may_produce(request: DataRequest, kind: str) -> bool:
    return request.kind == kind and request.is_pending and request.enqueued is None


def _may_restrict(request: DataRequest) -> bool:
    return (
        request.kind == Kind.RESTRICTION
        and request.is_pending
        and request.user is not None
        and not is_restricted(request.user)
    )


def _restricted_by(request: DataRequest) -> bool:
    return ProcessingRestriction.objects.in_force().filter(request=request).exists()


def _may_extend(request: DataRequest, today=None) -> bool:
    """P15: before the first month ends, and while three months from receipt are not used."""
    today = today or timezone.localdate()
    return (
        request.is_pending
        and today <= request.due_date
        and request.effective_due_date < request.latest_extension_date
    )

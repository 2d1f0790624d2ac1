"""A data request's own page in the admin (P15): its due date and days left at the top, then
what to do next as buttons, the fields that apply to its kind, and the audit trail below.

Each button posts to one URL that runs the list's action of that name on this one request, so
a step does exactly what the action does (the same state function, messages and forms); only
the steps `steps.next_steps` offers now are accepted, and any other changes nothing.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from .digest import DIGEST_DAYS
from .models import DataRequest
from .steps import next_steps, step_named

Kind = DataRequest.Kind

# Fields that mean something for some kinds only ("Keep posts" is an erasure's choice).
KIND_FIELDS = {"keep_posts": {Kind.ERASURE}, "restricted": {Kind.RESTRICTION}}
EXTENSION_FIELDS = {"extended_due_date", "extension_reason", "extension_notified"}
CLOSING_FIELDS = {"outcome", "closed"}


class NextStepsMixin:
    change_form_template = "admin/privacy/datarequest/change_form.html"

    def get_urls(self):
        step = self.admin_site.admin_view(require_POST(self.step_view))
        own = [path("<path:object_id>/step/", step, name="privacy_datarequest_step")]
        return own + super().get_urls()

    def step_view(self, request, object_id):
        """Run the action named in the POST on this request, if it is a step it can take."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        data_request = self.get_object(request, unquote(object_id))
        if data_request is None:
            raise Http404("No such request.")
        page = reverse("admin:privacy_datarequest_change", args=[data_request.pk])
        step = step_named(data_request, request.POST.get("action", ""))
        if step is None:
            self.message_user(
                request,
                "That step is not possible for this request now: nothing was changed.",
                messages.WARNING,
            )
            return redirect(page)
        action = self.get_actions(request)[step.name][0]
        queryset = self.get_queryset(request).filter(pk=data_request.pk)
        return action(self, request, queryset) or redirect(page)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        data_request = self.get_object(request, unquote(object_id))
        if data_request is not None:
            extra_context = {**(extra_context or {}), **self._summary(request, data_request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _summary(self, request, data_request: DataRequest) -> dict:
        may_act = self.has_change_permission(request, data_request)
        steps = next_steps(data_request) if may_act else []
        return {
            "data_request": data_request,
            **due_words(data_request),
            "steps": [step for step in steps if not step.refusal],
            "refusals": [step for step in steps if step.refusal],
        }

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:
            return fields
        hidden = {name for name, kinds in KIND_FIELDS.items() if obj.kind not in kinds}
        if obj.extended_due_date is None:
            hidden |= EXTENSION_FIELDS
        if obj.status not in DataRequest.CLOSED:
            hidden |= CLOSING_FIELDS
        return [name for name in fields if name not in hidden]


def due_words(data_request: DataRequest) -> dict:
    """How long is left, in words, and the class that makes it stand out when it is short."""
    if data_request.closed:
        return {"due_words": f"Closed on {data_request.closed:%d %b %Y}", "due_class": ""}
    if not data_request.is_pending:
        return {"due_words": "Waiting for the requester to confirm", "due_class": ""}
    days = data_request.days_left()
    if days < 0:
        words, css = f"Overdue by {-days} day{pluralize(-days)}", "request-overdue"
    elif days == 0:
        words, css = "Due today", "request-due-soon"
    else:
        words = f"{days} day{pluralize(days)}"
        css = "request-due-soon" if days <= DIGEST_DAYS else ""
    return {"due_words": words, "due_class": css}

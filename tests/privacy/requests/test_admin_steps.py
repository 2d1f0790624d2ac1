"""A data request's page in the admin tells staff what to do next (P15): the due date and days
left at the top, the steps valid now as buttons that do what the list's actions do, the fields
of its kind, and the audit trail below. The list opens on pending requests, soonest due first."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from privacy.models import DataRequest, ProcessingRestriction, RequestEvent
from privacy.requests import state
from privacy.requests.steps import next_steps
from tests.factories import UserFactory

Kind, Status = DataRequest.Kind, DataRequest.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_storage")]
LIST = "/admin/privacy/datarequest/"


def page(pk) -> str:
    return f"{LIST}{pk}/change/"


def step_url(pk) -> str:
    return f"{LIST}{pk}/step/"


def visitor_request(kind, officer, confirmed=True):
    request = state.create(kind=kind, email=f"v{DataRequest.objects.count()}@example.net")
    if confirmed:
        state.confirm(request, by=officer)
    return DataRequest.objects.get(pk=request.pk)


def member_request(kind):
    request = state.create(kind=kind, user=UserFactory(), details="Please.")
    return DataRequest.objects.get(pk=request.pk)  # confirmed at once


def restricted_request(officer):
    request = member_request(Kind.RESTRICTION)
    state.restrict(request, by=officer)
    return request


def extend_data(request) -> dict:
    until = request.due_date + timedelta(days=14)
    return {"apply": "1", "until": until.isoformat(), "text": "Archives to search."}


# step: (how to make a request that can take it, what its form asks, if anything)
CASES = {
    "confirm_identity": (lambda o: visitor_request(Kind.RECTIFICATION, o, False), None),
    "start": (lambda o: member_request(Kind.OBJECTION), None),
    "produce_export": (lambda o: visitor_request(Kind.ACCESS, o), None),
    "carry_out_erasure": (lambda o: visitor_request(Kind.ERASURE, o), None),
    "restrict": (lambda o: member_request(Kind.RESTRICTION), None),
    "lift_restriction": (restricted_request, None),
    "wait_on_requester": (
        lambda o: member_request(Kind.RECTIFICATION),
        lambda r: {"apply": "1", "text": "Which post?"},
    ),
    "extend": (lambda o: member_request(Kind.OBJECTION), extend_data),
    "complete": (
        lambda o: member_request(Kind.RECTIFICATION),
        lambda r: {"apply": "1", "text": "Corrected."},
    ),
    "refuse": (
        lambda o: member_request(Kind.OBJECTION),
        lambda r: {"apply": "1", "text": "Manifestly unfounded.", "category": "unfounded"},
    ),
}


def snapshot(request) -> tuple:
    """What a step changes: the record, its audit trail, its restriction, its exports."""
    request = DataRequest.objects.get(pk=request.pk)
    return (
        request.status,
        request.handler_id is not None,
        request.extended_due_date is not None,
        request.outcome,
        request.enqueued is not None,
        list(request.events.values_list("action", "note")),
        ProcessingRestriction.objects.in_force().filter(request=request).exists(),
        request.exports.count(),
    )


@pytest.mark.parametrize("step", CASES)
def test_each_button_does_what_the_list_action_does(
    step, privacy_officer, privacy_officer_client, mailoutbox, django_capture_on_commit_callbacks
):
    make, asks = CASES[step]
    by_action, by_button = make(privacy_officer), make(privacy_officer)
    assert step in [s.name for s in next_steps(by_button)]
    extra = asks(by_action) if asks else {}
    if asks:  # the button first shows the action's own form, changing nothing
        before = snapshot(by_button)
        form = privacy_officer_client.post(step_url(by_button.pk), {"action": step})
        assert form.status_code == 200 and 'name="apply"' in form.content.decode()
        assert snapshot(by_button) == before
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=False):
        privacy_officer_client.post(  # as the list shows every request
            LIST + "?due=all", {"action": step, "_selected_action": [by_action.pk], **extra}
        )
    sent_by_action = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=False):
        response = privacy_officer_client.post(step_url(by_button.pk), {"action": step, **extra})
    assert response.status_code == 302 and response["Location"] == page(by_button.pk)
    assert snapshot(by_button) == snapshot(by_action) != snapshot(make(privacy_officer))
    assert len(mailoutbox) == 2 * sent_by_action
    last = RequestEvent.objects.filter(request=by_button).last()
    assert last.actor == privacy_officer or step == "lift_restriction" and last.actor is None


def test_the_page_puts_due_date_and_next_step_above_the_audit_trail(privacy_officer_client):
    request = member_request(Kind.RECTIFICATION)
    DataRequest.objects.filter(pk=request.pk).update(
        due_date=timezone.localdate() + timedelta(days=3)
    )
    html = privacy_officer_client.get(page(request.pk)).content.decode()
    due = timezone.localdate() + timedelta(days=3)
    assert f"{due:%-d %b %Y}" in html
    assert '<span class="request-due-soon">3 days</span>' in html
    summary, trail = html.index('class="request-summary"'), html.index("Audit trail")
    buttons = html.index('value="start"')
    assert summary < buttons < trail
    for step in ("start", "wait_on_requester", "extend", "complete", "refuse"):
        assert f'name="action" value="{step}"' in html
    for absent in ("confirm_identity", "produce_export", "carry_out_erasure", "restrict"):
        assert f'value="{absent}"' not in html


def test_a_closed_or_unconfirmed_request_offers_only_what_it_can_take(
    privacy_officer, privacy_officer_client
):
    closed = member_request(Kind.RECTIFICATION)
    state.complete(closed, by=privacy_officer, outcome="Done.")
    html = privacy_officer_client.get(page(closed.pk)).content.decode()
    assert 'name="action"' not in html and "Closed on" in html
    waiting = visitor_request(Kind.ACCESS, privacy_officer, confirmed=False)
    html = privacy_officer_client.get(page(waiting.pk)).content.decode()
    offered = {s.name for s in next_steps(waiting)}
    assert offered == {"confirm_identity", "refuse"}
    assert 'value="confirm_identity"' in html and 'value="start"' not in html


@pytest.mark.parametrize(
    "forged",
    ["confirm_identity", "produce_export", "carry_out_erasure", "lift_restriction", "nope", ""],
)
def test_a_forged_step_not_valid_now_changes_nothing(
    forged, privacy_officer_client, mailoutbox, django_capture_on_commit_callbacks
):
    request = member_request(Kind.RECTIFICATION)  # open: none of these apply
    before = snapshot(request)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = privacy_officer_client.post(
            step_url(request.pk), {"action": forged, "apply": "1", "text": "x"}, follow=True
        )
    assert response.status_code == 200
    assert "That step is not possible for this request now" in response.content.decode()
    assert snapshot(request) == before and mailoutbox == []


def test_a_step_on_a_closed_request_is_refused(privacy_officer, privacy_officer_client):
    request = member_request(Kind.OBJECTION)
    state.refuse(request, by=privacy_officer, reason="Unfounded.")
    before = snapshot(request)
    for step in ("start", "complete", "extend", "refuse"):
        privacy_officer_client.post(step_url(request.pk), {"action": step, "apply": "1"})
    assert snapshot(request) == before


def test_staff_without_the_request_permission_get_403(moderator_client, moderator, db):
    request = member_request(Kind.OBJECTION)
    response = moderator_client.post(step_url(request.pk), {"action": "start"})
    assert response.status_code == 403
    assert DataRequest.objects.get(pk=request.pk).status == Status.OPEN


def test_staff_who_may_only_view_see_no_buttons_and_cannot_act():
    viewer = UserFactory(is_staff=True, second_factor=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_datarequest"))
    client = Client()
    client.force_login(viewer)
    request = member_request(Kind.OBJECTION)
    html = client.get(page(request.pk)).content.decode()
    assert 'class="request-summary"' in html and 'name="action"' not in html
    assert client.post(step_url(request.pk), {"action": "start"}).status_code == 403
    assert DataRequest.objects.get(pk=request.pk).status == Status.OPEN


def test_a_step_is_only_posted(privacy_officer_client):
    request = member_request(Kind.OBJECTION)
    assert privacy_officer_client.get(step_url(request.pk)).status_code == 405
    assert privacy_officer_client.post(step_url(2**31 - 1), {"action": "start"}).status_code == 404


def test_fields_that_do_not_apply_to_the_kind_are_hidden(privacy_officer_client):
    correction = member_request(Kind.RECTIFICATION)
    html = privacy_officer_client.get(page(correction.pk)).content.decode()
    assert "Keep posts" not in html and "Processing restricted" not in html
    assert "Extended due date" not in html and "Outcome" not in html
    erasure = member_request(Kind.OBJECTION)
    DataRequest.objects.filter(pk=erasure.pk).update(kind=Kind.ERASURE, keep_posts=True)
    assert "Keep posts" in privacy_officer_client.get(page(erasure.pk)).content.decode()
    restriction = member_request(Kind.RESTRICTION)
    html = privacy_officer_client.get(page(restriction.pk)).content.decode()
    assert "Processing restricted" in html


def test_the_due_date_cannot_be_changed_around_the_audit_trail(
    privacy_officer, privacy_officer_client
):
    """Only the handler is edited on the page (on the trail); a due date posted with it is
    ignored: the date moves only by an extension, which the trail records with its reason."""
    request = member_request(Kind.OBJECTION)
    due = request.due_date
    later = (due + timedelta(days=60)).isoformat()
    data = {
        "handler": privacy_officer.pk,
        "due_date": later,
        "extended_due_date": later,
        "status": "completed",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    assert privacy_officer_client.post(page(request.pk), data).status_code == 302
    request.refresh_from_db()
    assert (request.due_date, request.extended_due_date, request.status) == (
        due,
        None,
        Status.OPEN,
    )
    assert list(request.events.values_list("action", "actor")) == [
        ("created", None),
        ("confirmed", None),
        ("assigned", privacy_officer.pk),
    ]
    privacy_officer_client.post(step_url(request.pk), {"action": "extend", **extend_data(request)})
    event = request.events.last()
    assert (event.action, event.actor, event.note) == (
        "extended",
        privacy_officer,
        "Archives to search.",
    )


def test_the_list_opens_on_pending_requests_soonest_due_first(
    privacy_officer, privacy_officer_client
):
    later, sooner, closed = (member_request(Kind.OBJECTION) for _ in range(3))
    today = timezone.localdate()
    DataRequest.objects.filter(pk=later.pk).update(due_date=today + timedelta(days=20))
    DataRequest.objects.filter(pk=sooner.pk).update(due_date=today + timedelta(days=2))
    state.complete(closed, by=privacy_officer)
    response = privacy_officer_client.get(LIST)
    assert [r.pk for r in response.context["cl"].result_list] == [sooner.pk, later.pk]
    html = response.content.decode()
    assert "Days left" in html and "Handler" in html and "Due" in html
    everything = privacy_officer_client.get(LIST + "?due=all").context["cl"].result_list
    assert {r.pk for r in everything} == {later.pk, sooner.pk, closed.pk}
    # An extension's date counts: extended past the later one, it sorts after it.
    DataRequest.objects.filter(pk=sooner.pk).update(extended_due_date=today + timedelta(days=40))
    response = privacy_officer_client.get(LIST)
    assert [r.pk for r in response.context["cl"].result_list] == [later.pk, sooner.pk]

"""Data-subject requests: making, confirming and tracking them (P14-P16), and staff handling."""

import re
import time
from datetime import date, timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError

from privacy.models import DataRequest, RequestEvent, add_months
from privacy.requests import links, state, sweep, tasks
from privacy.requests.errors import RequestError
from privacy.requests.restriction import is_restricted
from tests.factories import PostFactory, TopicFactory, UserFactory

Kind, Status = DataRequest.Kind, DataRequest.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_storage")]


def link_in(message) -> str:
    return re.search(r"http://\S+", message.body).group(0).removeprefix("http://127.0.0.1:8000")


def open_request(user=None, kind=Kind.RECTIFICATION, details="Fix it."):
    return state.create(kind=kind, user=user or UserFactory(), details=details)


# Visitors


def test_a_visitor_request_exists_only_after_the_emailed_link_is_followed(
    client, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/privacy/requests/new/",
            {"email": "Visitor@Example.net", "kind": "access", "details": ""},
        )
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    request = DataRequest.objects.get()
    assert request.status == Status.AWAITING_CONFIRMATION
    assert request.email == "visitor@example.net"
    assert not DataRequest.objects.confirmed().exists()
    (message,) = mailoutbox
    assert message.to == ["visitor@example.net"]
    assert "dpo@example.org" in message.body
    assert message.alternatives[0][1] == "text/html"
    url = link_in(message)

    assert client.get(url).status_code == 200  # a link scanner's GET confirms nothing
    assert DataRequest.objects.get().status == Status.AWAITING_CONFIRMATION
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == Status.OPEN
    assert request.confirmed is not None
    assert "We have your request" in mailoutbox[-1].body
    assert "dpo@example.org" in mailoutbox[-1].body


def test_a_reused_confirmation_link_is_refused_with_a_message(client):
    request = state.create(kind=Kind.ERASURE, email="v@example.net")
    url = links.confirmation_url(request)
    client.post(url)
    response = client.post(url)
    assert response.status_code == 400
    assert "already confirmed" in response.content.decode()


def test_an_expired_or_forged_confirmation_link_is_refused(client):
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 25 * 3600):
        request = state.create(kind=Kind.ACCESS, email="v@example.net")
        url = links.confirmation_url(request)
    response = client.post(url)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert client.post(url[:-3] + "abc/").status_code == 400
    assert DataRequest.objects.get().status == Status.AWAITING_CONFIRMATION


def test_the_visitor_form_explains_bad_input(client):
    response = client.post(
        "/privacy/requests/new/", {"email": "not-an-address", "kind": "rectification"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "Tell us what you would like us to do." in html
    assert (
        client.post("/privacy/requests/new/", {"email": "a@b.example", "kind": "x"}).status_code
        == 400
    )
    assert not DataRequest.objects.exists()


def ask(client, email, kind="access"):
    return client.post("/privacy/requests/new/", {"email": email, "kind": kind})


def test_the_visitor_form_sends_at_most_three_confirmations_a_day(
    client, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        codes = [ask(client, "V@example.net").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert len(mailoutbox) == 3 and DataRequest.objects.count() == 3


def test_one_client_cannot_send_confirmations_to_many_addresses(
    client, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        codes = [ask(client, f"person{n}@example.net").status_code for n in range(30)]
    assert codes == [200] * 10 + [429] * 20
    assert len(mailoutbox) == 10 and DataRequest.objects.count() == 10
    assert "Enough emails for now" in ask(client, "more@example.net").content.decode()


def test_the_confirmation_is_sent_by_a_task_from_the_saved_request(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert ask(client, "v@example.net").status_code == 200
    assert mailoutbox == [] and len(callbacks) == 1  # nothing sent inside the request
    tasks.send_request_confirmation(DataRequest.objects.get().pk)
    assert mailoutbox[0].to == ["v@example.net"]
    state.confirm(DataRequest.objects.get())
    tasks.send_request_confirmation(DataRequest.objects.get().pk)  # a late duplicate
    assert len(mailoutbox) == 1


# Members


def test_a_member_request_is_confirmed_at_once_and_due_in_one_calendar_month(
    user_client, user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            "/privacy/my-data/requests/", {"kind": "rectification", "details": "My job title."}
        )
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert (request.user, request.status, request.email) == (user, Status.OPEN, user.email)
    assert request.due_date == add_months(timezone.localtime(request.received).date(), 1)
    assert [e.action for e in request.events.all()] == ["created", "confirmed"]
    assert mailoutbox[-1].to == [user.email]


def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_my_data_page_lists_only_my_requests(user_client, user):
    open_request(user, details="Mine")
    other = open_request(kind=Kind.ACCESS)
    response = user_client.get("/privacy/my-data/")
    html = response.content.decode()
    assert "<td>Correct my data</td>" in html
    assert "A copy of my data (access and portability)" not in html
    assert other.email not in html


def test_my_data_page_query_count_does_not_grow_with_requests(
    client, django_assert_max_num_queries, export_storage, settings
):
    settings.DATA_REQUESTS_EXPORT_EVERY_HOURS, settings.DATA_REQUESTS_OPEN_PER_PERSON = 0, 100
    member = UserFactory()
    client.force_login(member)
    for _ in range(30):
        request = state.create(kind=Kind.ACCESS, user=member)
        export = request.exports.get()
        export.file.save("x.zip", ContentFile(b"zip"), save=False)
        export.ready = timezone.now()
        export.save()
        open_request(member)
    client.get("/privacy/my-data/")  # warms what is read once per cache lifetime (cookie names)
    with django_assert_max_num_queries(10):
        response = client.get("/privacy/my-data/")
    assert response.content.decode().count("Download (ZIP)") == 30


def test_a_bad_request_kind_from_a_member_is_a_form_error(user_client):
    response = user_client.post("/privacy/my-data/requests/", {"kind": "erasure", "details": "x"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_a_member_has_a_few_staff_handled_requests_open_at_a_time(user_client, user, settings):
    settings.DATA_REQUESTS_OPEN_PER_PERSON = 2
    data = {"kind": "rectification", "details": "Fix my job title."}
    codes = [user_client.post("/privacy/my-data/requests/", data).status_code for _ in range(3)]
    assert codes == [302, 302, 400]
    response = user_client.post("/privacy/my-data/requests/", data)
    assert "You already have 2 requests open" in response.content.decode()
    assert DataRequest.objects.filter(user=user).count() == 2
    state.complete(DataRequest.objects.first(), outcome="Done.")
    assert user_client.post("/privacy/my-data/requests/", data).status_code == 302


def test_a_visitor_has_a_few_staff_handled_requests_open_at_a_time(client, settings):
    settings.DATA_REQUESTS_OPEN_PER_PERSON = 1
    first, second = (
        state.create(kind=Kind.RECTIFICATION, email=email, details="Fix")
        for email in ("v@example.net", "V@Example.net")
    )
    assert client.post(links.confirmation_url(first)).status_code == 200
    response = client.post(links.confirmation_url(second))
    assert (
        response.status_code == 400
        and "You already have 1 request open" in response.content.decode()
    )
    assert DataRequest.objects.pending().count() == 1


def test_a_member_asks_for_a_full_copy_at_most_once_a_day(
    user_client, user, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user_client.post("/privacy/my-data/export/")
    assert DataRequest.objects.get().status == Status.COMPLETED
    response = user_client.post("/privacy/my-data/export/", follow=True)
    assert "once every 24 hours" in response.content.decode()
    assert DataRequest.objects.count() == 1
    DataRequest.objects.update(received=timezone.now() - timedelta(hours=25))
    user_client.post("/privacy/my-data/export/")
    assert DataRequest.objects.count() == 2


def test_a_member_withdraws_their_own_request_but_not_anothers(user_client, user):
    mine = open_request(user)
    theirs = open_request()
    assert user_client.post(f"/privacy/my-data/requests/{theirs.pk}/withdraw/").status_code == 404
    assert user_client.post(f"/privacy/my-data/requests/{mine.pk}/withdraw/").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (Status.WITHDRAWN, Status.OPEN)


def test_my_data_needs_signing_in(client):
    response = client.get("/privacy/my-data/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# Deadlines (P15)


def test_an_extension_is_told_to_the_requester_with_its_reason(
    mailoutbox, django_capture_on_commit_callbacks
):
    request = open_request()
    until = add_months(request.due_date, 1)
    with django_capture_on_commit_callbacks(execute=True):
        state.extend(request, until=until, reason="We must search the archives.")
    request.refresh_from_db()
    assert request.extended_due_date == until
    assert request.extension_notified is not None
    assert "We must search the archives." in mailoutbox[-1].body
    assert request.events.filter(action="extended", note="We must search the archives.").exists()


def test_an_extension_past_three_months_or_without_reason_is_refused():
    request = open_request()
    too_late = request.latest_extension_date + timedelta(days=1)
    with pytest.raises(RequestError, match="three months"):
        state.extend(request, until=too_late, reason="Complex.")
    with pytest.raises(RequestError, match="reason"):
        state.extend(request, until=request.latest_extension_date, reason=" ")
    state.extend(request, until=request.latest_extension_date, reason="Complex.")


def test_an_extension_after_the_first_month_is_refused():
    request = open_request()
    DataRequest.objects.filter(pk=request.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    request.refresh_from_db()
    with pytest.raises(RequestError, match="first month"):
        state.extend(request, until=request.latest_extension_date, reason="Complex.")


def test_a_refusal_needs_a_reason_and_closes_the_request(
    mailoutbox, django_capture_on_commit_callbacks
):
    request = open_request()
    with pytest.raises(RequestError):
        state.refuse(request, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        state.refuse(request, reason="We hold no such data.")
    request.refresh_from_db()
    assert (request.status, request.outcome) == (Status.REFUSED, "We hold no such data.")
    assert "We hold no such data." in mailoutbox[-1].body
    with pytest.raises(RequestError, match="closed"):
        state.refuse(request, reason="Again.")


def test_the_digest_lists_due_and_overdue_requests_for_privacy_officers(
    privacy_officer, mailoutbox
):
    overdue, soon, later = open_request(), open_request(), open_request()
    today = timezone.localdate()
    DataRequest.objects.filter(pk=overdue.pk).update(due_date=today - timedelta(days=2))
    DataRequest.objects.filter(pk=soon.pk).update(due_date=today + timedelta(days=3))
    moderator_only = UserFactory(is_staff=True)
    moderator_only.groups.add(Group.objects.get(name="Moderators"))
    assert tasks.send_data_request_digest() == 1
    (message,) = mailoutbox
    assert message.to == [privacy_officer.email]
    assert f"#{overdue.pk} " in message.body and "OVERDUE" in message.body
    assert f"#{soon.pk} " in message.body
    assert f"#{later.pk} " not in message.body


def test_no_digest_when_nothing_is_due(privacy_officer, mailoutbox):
    open_request()
    assert tasks.send_data_request_digest() == 0
    assert mailoutbox == []


# Reliability


def test_a_request_is_kept_when_the_broker_is_down_and_the_sweep_sends_it_later(
    user_client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks.build_data_export, "delay", mock.Mock(side_effect=OperationalError))
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post("/privacy/my-data/export/")
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert request.status == Status.IN_PROGRESS and request.enqueued is not None

    sent = mock.Mock()
    monkeypatch.setattr(tasks.build_data_export, "delay", sent)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep.sweep() == 0  # not stale yet
        assert sweep.sweep(now=timezone.now() + timedelta(minutes=20)) == 1
    sent.assert_called_once_with(request.exports.get().pk)


# Restriction (P14)


def test_a_restriction_stops_reply_notifications_until_lifted(mailoutbox):
    from forums.notifications import notify_participants

    member = UserFactory()
    topic = TopicFactory(author=member)
    request = open_request(member, kind=Kind.RESTRICTION)
    state.restrict(request)
    assert is_restricted(member)
    assert notify_participants(PostFactory(topic=topic)) == 0
    client = Client()
    client.force_login(member)
    assert (
        "the processing of your data is restricted"
        in client.get("/privacy/my-data/").content.decode()
    )
    state.lift_restriction(request)
    assert not is_restricted(member)
    notify_participants(PostFactory(topic=topic))
    assert member.email in [m.to[0] for m in mailoutbox]


def test_a_restriction_stops_newsletters_even_after_the_send_started(mailoutbox):
    from privacy import consent
    from privacy.models import Consent, Newsletter
    from privacy.newsletter import sending

    restricted, other = UserFactory(), UserFactory()
    for member in (restricted, other):
        consent.record(
            user=member,
            purpose=consent.NEWSLETTER,
            granted=True,
            source=Consent.Source.SIGNUP,
            text=consent.current_text("signup-newsletter"),
        )
    issue = Newsletter.objects.create(
        subject="News", body="Hello.", status=Newsletter.Status.SENDING
    )
    sending.create_deliveries(issue)  # both were unrestricted when the send began
    state.restrict(open_request(restricted, kind=Kind.RESTRICTION))
    sending.send(issue.pk)
    assert [m.to for m in mailoutbox] == [[other.email]]


def test_restriction_needs_a_members_restriction_request():
    with pytest.raises(RequestError):
        state.restrict(open_request(kind=Kind.OBJECTION))


# Staff in the admin (P7, P15)


def test_only_privacy_officers_see_data_requests(
    privacy_officer_client, moderator_client, moderator
):
    open_request()
    assert privacy_officer_client.get("/admin/privacy/datarequest/").status_code == 200
    assert moderator_client.get("/admin/privacy/datarequest/").status_code == 403
    assert "Data requests" not in moderator_client.get("/admin/").content.decode()


def test_the_admin_list_highlights_overdue_and_due_soon_requests(privacy_officer_client):
    overdue, soon = open_request(), open_request()
    today = timezone.localdate()
    DataRequest.objects.filter(pk=overdue.pk).update(due_date=today - timedelta(days=4))
    DataRequest.objects.filter(pk=soon.pk).update(due_date=today + timedelta(days=2))
    html = privacy_officer_client.get("/admin/privacy/datarequest/").content.decode()
    assert '<span class="request-overdue">Overdue by 4</span>' in html
    assert '<span class="request-due-soon">2</span>' in html
    overdue_only = privacy_officer_client.get("/admin/privacy/datarequest/?due=overdue")
    assert overdue_only.context["cl"].result_count == 1


def test_the_admin_index_counts_pending_and_overdue_requests(privacy_officer_client):
    overdue = open_request()
    open_request()
    DataRequest.objects.filter(pk=overdue.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    html = privacy_officer_client.get("/admin/").content.decode()
    assert 'id="data-request-dashboard"' in html
    assert "2 pending" in html
    assert '<span class="request-overdue">1</span> overdue' in html


def test_admin_actions_call_the_same_functions_and_write_the_audit_trail(
    privacy_officer_client, privacy_officer, mailoutbox, django_capture_on_commit_callbacks
):
    request = state.create(kind=Kind.RECTIFICATION, email="v@example.net", details="Fix")
    url = "/admin/privacy/datarequest/?due=all"  # the list opens on pending requests only
    with django_capture_on_commit_callbacks(execute=True):
        privacy_officer_client.post(
            url, {"action": "confirm_identity", "_selected_action": [request.pk]}
        )
        privacy_officer_client.post(url, {"action": "start", "_selected_action": [request.pk]})
    request.refresh_from_db()
    assert (request.status, request.handler) == (Status.IN_PROGRESS, privacy_officer)

    form = privacy_officer_client.post(url, {"action": "extend", "_selected_action": [request.pk]})
    assert form.status_code == 200 and "New due date" in form.content.decode()
    too_late = request.latest_extension_date + timedelta(days=1)
    response = privacy_officer_client.post(
        url,
        {
            "action": "extend",
            "_selected_action": [request.pk],
            "apply": "1",
            "until": too_late.isoformat(),
            "text": "Archives.",
        },
        follow=True,
    )
    assert "at most three months" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        privacy_officer_client.post(
            url,
            {
                "action": "complete",
                "_selected_action": [request.pk],
                "apply": "1",
                "text": "Fixed.",
            },
        )
    request.refresh_from_db()
    assert (request.status, request.outcome) == (Status.COMPLETED, "Fixed.")
    actions = list(request.events.values_list("action", "actor"))
    assert actions == [
        ("created", None),
        ("confirmed", privacy_officer.pk),
        ("started", privacy_officer.pk),
        ("completed", privacy_officer.pk),
    ]
    assert [m.to for m in mailoutbox] == [["v@example.net"]] * 3  # one per change

    page = privacy_officer_client.get(f"/admin/privacy/datarequest/{request.pk}/change/")
    page = page.content.decode()
    assert "Identity confirmed" in page and "Fixed." in page
    assert RequestEvent.objects.count() == 4


def test_every_page_leads_visitors_and_members_to_their_rights(user_client):
    visitor = Client()
    assert 'href="/privacy/requests/new/">Ask about your data' in visitor.get("/").content.decode()
    assert 'href="/privacy/my-data/">Your data' in user_client.get("/").content.decode()
    assert user_client.get("/privacy/requests/new/")["Location"] == "/privacy/my-data/"


def test_the_digest_and_the_sweep_are_scheduled_and_officers_have_only_privacy_permissions():
    from django_celery_beat.models import PeriodicTask

    tasks_ = set(PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True))
    assert {"privacy.send_data_request_digest", "privacy.sweep_data_requests"} <= tasks_
    officers = Group.objects.get(name="Privacy officers")
    assert set(officers.permissions.values_list("codename", flat=True)) == {
        "view_datarequest",
        "change_datarequest",
        "view_requestevent",
        "view_dataexport",
        "view_processingrestriction",
        "view_desk",  # the privacy officer's desk
        "manage_breaches",  # the breach register (privacy/breaches/)
    }
    moderators = Group.objects.get(name="Moderators").permissions
    assert not moderators.filter(content_type__model="datarequest").exists()


def test_asking_the_requester_for_something_tells_them_what(
    mailoutbox, django_capture_on_commit_callbacks
):
    request = open_request()
    with django_capture_on_commit_callbacks(execute=True):
        state.wait_on_requester(request, by=None, note="Which post is wrong?")
    request.refresh_from_db()
    assert request.status == Status.WAITING
    assert "Which post is wrong?" in mailoutbox[-1].body
    assert "Which post is wrong?" in mailoutbox[-1].alternatives[0][0]


def test_the_admin_list_query_count_does_not_grow_with_requests(
    privacy_officer_client, django_assert_max_num_queries
):
    for _ in range(40):
        open_request()
    with django_assert_max_num_queries(20):
        response = privacy_officer_client.get("/admin/privacy/datarequest/")
    assert response.context["cl"].result_count == 40


def test_a_handler_change_in_the_admin_goes_on_the_requests_audit_trail(
    privacy_officer, privacy_officer_client, mailoutbox
):
    request = state.create(kind=Kind.OBJECTION, user=UserFactory())
    mailoutbox.clear()
    url = f"/admin/privacy/datarequest/{request.pk}/change/"
    response = privacy_officer_client.post(url, {"handler": privacy_officer.pk, **inline_data()})
    assert response.status_code == 302, response.content.decode()[:2000]
    request.refresh_from_db()
    assert request.handler == privacy_officer
    event = request.events.get(action=RequestEvent.Action.ASSIGNED)
    assert event.actor == privacy_officer and event.note == ""
    assert mailoutbox == []  # nothing changed for the requester


def inline_data() -> dict:
    """The audit trail's management form, as the admin's change page posts it."""
    return {"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"}


def test_a_refusal_records_its_category_for_the_transparency_report():
    request = open_request()
    with pytest.raises(RequestError):
        state.refuse(request, reason="No.", category="not-a-category")
    state.refuse(request, reason="Asked daily.", category=DataRequest.RefusalCategory.UNFOUNDED)
    request.refresh_from_db()
    assert request.status == Status.REFUSED
    assert request.refusal_category == DataRequest.RefusalCategory.UNFOUNDED


def test_the_admin_refusal_asks_for_the_category(privacy_officer_client):
    request = open_request()
    url = "/admin/privacy/datarequest/"
    chosen = {"action": "refuse", "_selected_action": [request.pk]}
    form = privacy_officer_client.post(url, chosen)
    assert "Category (counted in the transparency report)" in form.content.decode()
    refused = {**chosen, "apply": "1", "text": "We hold none.", "category": "identity"}
    assert privacy_officer_client.post(url, refused).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.refusal_category) == (Status.REFUSED, "identity")

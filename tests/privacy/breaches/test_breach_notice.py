"""The email to the people affected by a breach (Art. 34): it reaches the members holding data
of the kinds chosen, through the newsletter's resumable batch sender, whatever their marketing
choices, and nobody else."""

from unittest import mock

import pytest
from django.utils import timezone

from forums.models import SignIn
from privacy import batch_sending, consent, tasks
from privacy.breaches import notice, state
from privacy.breaches.tasks import send_breach_notice
from privacy.models import Breach, BreachDelivery, Consent, DataRequest
from privacy.requests import state as requests
from tests.factories import PostFactory, StaffFactory, UserFactory, subscribe_to_newsletter

pytestmark = pytest.mark.django_db


def signed_in(member):
    SignIn.objects.create(user=member, ip_address="192.0.2.1", user_agent="Firefox")
    return member


def breach_to_tell(kinds=("sign-ins",)):
    staff = StaffFactory()
    breach = state.save(
        Breach(
            summary="Sign-in records exposed",
            description="A log file was public.",
            kinds=list(kinds),
            notice_subject="We lost some of your sign-in records",
            notice_body="On 28 November a log file was public.\nChange your password.",
        ),
        by=staff,
    )
    state.decide_people(breach, must_tell=True, by=staff)
    return breach, staff


def test_the_email_reaches_members_holding_data_of_the_kinds_and_nobody_else(
    mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    affected = [signed_in(UserFactory()) for _ in range(3)]
    poster = UserFactory()
    PostFactory(author=poster)  # data of another kind only
    breach, staff = breach_to_tell()
    with django_capture_on_commit_callbacks(execute=True):
        state.start_notice(breach, by=staff)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.email for m in affected)
    message = mailoutbox[0]
    assert message.subject == "We lost some of your sign-in records"
    assert "Change your password." in message.body and "not marketing" in message.body
    assert "<br>Change your password." in message.alternatives[0][0]
    breach.refresh_from_db()
    assert breach.notice_finished
    assert breach.events.last().note == "3 member(s) emailed."


def test_members_who_refused_the_newsletter_or_restricted_processing_still_get_it(mailoutbox):
    refused, restricted = signed_in(UserFactory()), signed_in(UserFactory())
    subscribe_to_newsletter(user=refused)
    consent.record(
        user=refused,
        purpose=consent.NEWSLETTER,
        granted=False,
        source=Consent.Source.PREFERENCES,
        text=consent.current_text("preferences-newsletter"),
    )
    restriction = requests.create(kind=DataRequest.Kind.RESTRICTION, user=restricted)
    requests.restrict(restriction)
    breach, staff = breach_to_tell()
    state.start_notice(breach, by=staff)
    assert notice.send(breach.pk) == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([refused.email, restricted.email])


def test_inactive_unverified_and_erased_members_get_nothing(mailoutbox):
    reachable = signed_in(UserFactory())
    signed_in(UserFactory(is_active=False))
    signed_in(UserFactory(verified=False))
    breach, staff = breach_to_tell()
    state.start_notice(breach, by=staff)
    assert notice.send(breach.pk) == 1
    assert [m.to[0] for m in mailoutbox] == [reachable.email]


def test_an_account_deactivated_before_its_batch_is_skipped(mailoutbox):
    first, second = signed_in(UserFactory()), signed_in(UserFactory())
    breach, staff = breach_to_tell()
    state.start_notice(breach, by=staff)
    real_build = notice.emails.message

    def deactivate_second(rendered, to):
        type(second).objects.filter(pk=second.pk).update(is_active=False)
        return real_build(rendered, to)

    with mock.patch.object(notice.emails, "message", side_effect=deactivate_second):
        notice.send(breach.pk, batch_size=1)
    assert [m.to[0] for m in mailoutbox] == [first.email]
    statuses = dict(breach.deliveries.values_list("user", "status"))
    assert statuses == {first.pk: "sent", second.pk: "skipped"}


def test_a_resumed_send_emails_each_member_once(mailoutbox, monkeypatch):
    members = [signed_in(UserFactory()) for _ in range(5)]
    breach, staff = breach_to_tell()
    state.start_notice(breach, by=staff)
    real_send_batch = batch_sending.send_batch
    batches = []

    def crash_after_two_batches(*args, **kwargs):
        batches.append(1)
        if len(batches) > 2:
            raise RuntimeError("worker killed")
        return real_send_batch(*args, **kwargs)

    monkeypatch.setattr(batch_sending, "send_batch", crash_after_two_batches)
    monkeypatch.setattr(notice, "BATCH_SIZE", 1)
    with pytest.raises(RuntimeError):
        send_breach_notice(breach.pk)  # the task, as a worker runs it
    assert len(mailoutbox) == 2
    monkeypatch.setattr(batch_sending, "send_batch", real_send_batch)
    send_breach_notice(breach.pk)
    send_breach_notice(breach.pk)  # once more: nothing left to send
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.email for m in members)
    assert breach.deliveries.filter(status=BreachDelivery.Status.SENT).count() == 5


def test_the_sweep_requeues_a_notice_whose_task_was_lost(mailoutbox, eager_tasks):
    signed_in(UserFactory())
    breach, staff = breach_to_tell()
    Breach.objects.filter(pk=breach.pk).update(
        people_status=Breach.People.MUST_TELL, notice_started=timezone.now()
    )  # started, but the task never reached a worker
    with mock.patch("community.celery.transaction.on_commit", lambda f: f()):
        tasks.resume_sending()
    assert len(mailoutbox) == 1
    with mock.patch("community.celery.transaction.on_commit", lambda f: f()):
        assert tasks.resume_sending() == 0


def test_the_notice_needs_a_decision_a_text_and_kinds(staff_member):
    breach, staff = breach_to_tell()
    for change in ({"people_status": Breach.People.UNDECIDED}, {"notice_body": ""}, {"kinds": []}):
        Breach.objects.filter(pk=breach.pk).update(**change)
        with pytest.raises(state.BreachError):
            state.start_notice(breach, by=staff)
        Breach.objects.filter(pk=breach.pk).update(
            people_status=Breach.People.MUST_TELL, notice_body="Text", kinds=["sign-ins"]
        )
    state.start_notice(breach, by=staff)
    with pytest.raises(state.BreachError, match="already"):
        state.start_notice(breach, by=staff)


def test_the_delivery_statuses_are_the_batch_senders():
    assert set(BreachDelivery.Status.values) == {
        batch_sending.PENDING,
        batch_sending.CLAIMED,
        batch_sending.SENT,
        batch_sending.SKIPPED,
        batch_sending.FAILED,
    }


def test_staff_send_the_email_from_the_admin_after_seeing_how_many_it_reaches(
    privacy_officer_client, mailoutbox, django_capture_on_commit_callbacks, eager_tasks
):
    signed_in(UserFactory())
    breach, _ = breach_to_tell()
    url = "/admin/privacy/breach/"
    chosen = {"action": "send_notice", "_selected_action": [breach.pk]}
    holders = notice.recipients(breach).count()  # the officer's own sign-in counts too
    page = privacy_officer_client.post(url, chosen).content.decode()
    assert f"{holders} member(s) to email" in page and not mailoutbox
    unconfirmed = privacy_officer_client.post(url, {**chosen, "apply": "1"})
    assert unconfirmed.status_code == 200 and not mailoutbox  # the box must be ticked
    with django_capture_on_commit_callbacks(execute=True):
        sent = privacy_officer_client.post(url, {**chosen, "apply": "1", "confirm": "on"})
    assert sent.status_code == 302 and len(mailoutbox) == holders
    assert breach.events.filter(action="notice-started").get().actor is not None

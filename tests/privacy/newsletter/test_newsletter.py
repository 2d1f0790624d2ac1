import re
from unittest import mock

import pytest
from django.core import signing
from django.test import Client

from privacy import consent, tasks
from privacy.models import Consent, Newsletter, NewsletterDelivery
from privacy.newsletter import sending, subscription

from ...factories import StaffFactory, UserFactory, subscribe_to_newsletter

pytestmark = pytest.mark.django_db


def withdraw(member):
    consent.record(
        user=member,
        purpose=consent.NEWSLETTER,
        granted=False,
        source=Consent.Source.PREFERENCES,
        text=consent.current_text("preferences-newsletter"),
    )


def draft(**kwargs):
    return Newsletter.objects.create(subject="November news", body="Hello **everyone**.", **kwargs)


def started(**kwargs):
    return draft(status=Newsletter.Status.SENDING, **kwargs)


def link(text, path):
    return re.search(rf"https?://[^\s\"<>]*{path}[^\s\"<>]*", text).group(0)


def local(url):
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


# Sending


def test_newsletter_goes_only_to_members_and_visitors_who_consent(mailoutbox):
    yes, no = UserFactory(), UserFactory()
    subscribe_to_newsletter(user=yes)
    subscribe_to_newsletter(email="visitor@example.org")
    item = started()
    assert sending.send(item.pk) == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([yes.email, "visitor@example.org"])
    assert no.email not in {m.to[0] for m in mailoutbox}
    item.refresh_from_db()
    assert item.status == Newsletter.Status.SENT and item.send_finished
    message = mailoutbox[0]
    assert message.subject == "November news"
    assert "<strong>everyone</strong>" in message.alternatives[0][0]
    assert "Hello **everyone**." in message.body


def test_members_with_an_unverified_address_get_no_newsletter(mailoutbox):
    subscribe_to_newsletter(user=UserFactory(verified=False))
    assert sending.send(started().pk) == 0


def test_newsletter_never_goes_to_someone_who_withdrew_just_before_sending(mailoutbox):
    stays, leaves = UserFactory(), UserFactory()
    subscribe_to_newsletter(user=stays)
    subscribe_to_newsletter(user=leaves)
    item = started()
    sending.create_deliveries(item)
    withdraw(leaves)  # after the recipient list was made, before the batch is sent
    sending.send(item.pk)
    assert [m.to[0] for m in mailoutbox] == [stays.email]
    assert NewsletterDelivery.objects.get(user=leaves).status == NewsletterDelivery.Status.SKIPPED


def test_resumed_send_sends_nobody_twice(mailoutbox, monkeypatch):
    members = UserFactory.create_batch(5)
    for member in members:
        subscribe_to_newsletter(user=member)
    item = started()
    real_send_batch = sending.send_batch
    calls = []

    def crash_after_two_batches(*args, **kwargs):
        if len(calls) == 2:
            raise SystemExit("worker killed")
        calls.append(1)
        return real_send_batch(*args, **kwargs)

    monkeypatch.setattr(sending, "send_batch", crash_after_two_batches)
    with pytest.raises(SystemExit):
        sending.send(item.pk, batch_size=2)
    assert len(mailoutbox) == 4
    monkeypatch.setattr(sending, "send_batch", real_send_batch)
    sending.send(item.pk, batch_size=2)  # the task runs again
    sending.send(item.pk, batch_size=2)  # and once more: nothing left
    recipients = [m.to[0] for m in mailoutbox]
    assert sorted(recipients) == sorted(m.email for m in members)
    assert NewsletterDelivery.objects.filter(status="sent").count() == 5


@pytest.mark.usefixtures("newsletter_subscriber")
def test_rows_claimed_by_a_killed_worker_are_not_sent_again(mailoutbox):
    item = started()
    sending.create_deliveries(item)
    NewsletterDelivery.objects.update(status=NewsletterDelivery.Status.CLAIMED)
    sending.send(item.pk)
    assert mailoutbox == []


def test_a_double_click_on_send_queues_the_newsletter_once(django_capture_on_commit_callbacks):
    item = draft()
    with django_capture_on_commit_callbacks() as callbacks:
        assert sending.start_sending(item) is True
        assert sending.start_sending(item) is False
    assert len(callbacks) == 1
    item.refresh_from_db()
    assert item.status == Newsletter.Status.SENDING


def test_a_draft_or_a_sent_newsletter_is_not_sent_by_the_task(mailoutbox):
    subscribe_to_newsletter(user=UserFactory())
    assert sending.send(draft().pk) == 0
    assert sending.send(draft(status=Newsletter.Status.SENT).pk) == 0
    assert mailoutbox == []


def test_every_newsletter_has_one_click_unsubscribe_headers_and_link(
    mailoutbox, newsletter_subscriber
):
    member = newsletter_subscriber
    sending.send(started().pk)
    message = mailoutbox[0]
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body and url in message.alternatives[0][0]
    assert subscription.read_unsubscribe_token(url.rstrip("/").rsplit("/", 1)[1]) == {
        "user": member
    }


# Unsubscribing


def unsubscribe_path(member=None, email=""):
    token = subscription.unsubscribe_token(user_id=member.pk if member else None, email=email)
    return f"/privacy/unsubscribe/{token}/"


def test_one_click_post_unsubscribes_at_once_without_login_or_csrf_token(newsletter_subscriber):
    member = newsletter_subscriber
    mail_client = Client(enforce_csrf_checks=True)  # as a mail provider's RFC 8058 POST
    response = mail_client.post(unsubscribe_path(member), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not consent.has_consent(consent.NEWSLETTER, user=member)
    row = consent.latest(consent.NEWSLETTER, user=member)
    assert row.source == Consent.Source.UNSUBSCRIBE and row.text.key == "newsletter-unsubscribe"


def test_unsubscribe_link_shows_a_button_and_changes_nothing_until_pressed(
    client, newsletter_subscriber
):
    member = newsletter_subscriber
    page = client.get(unsubscribe_path(member))
    assert page.status_code == 200 and b'<button type="submit">Unsubscribe' in page.content
    assert consent.has_consent(consent.NEWSLETTER, user=member)
    client.post(unsubscribe_path(member))
    assert not consent.has_consent(consent.NEWSLETTER, user=member)


def test_visitor_unsubscribes_by_address(client):
    subscribe_to_newsletter(email="visitor@example.org")
    client.post(unsubscribe_path(email="visitor@example.org"))
    assert not consent.has_consent(consent.NEWSLETTER, email="visitor@example.org")


def test_forged_or_tampered_unsubscribe_token_is_refused(client, newsletter_subscriber):
    victim = newsletter_subscriber
    forged = signing.dumps({"u": victim.pk}, salt="another-purpose")
    mine = subscription.unsubscribe_token(email="me@example.org")
    theirs = signing.dumps({"u": victim.pk}).split(":")[0]
    tampered = "/privacy/unsubscribe/" + theirs + mine[mine.index(":") :] + "/"
    for path in (f"/privacy/unsubscribe/{forged}/", tampered, "/privacy/unsubscribe/garbage/"):
        response = client.post(path)
        assert response.status_code == 400
        assert b"not valid" in response.content
    assert consent.has_consent(consent.NEWSLETTER, user=victim)


def test_unsubscribing_twice_or_when_not_subscribed_writes_nothing_more(
    client, newsletter_subscriber
):
    member = newsletter_subscriber
    client.post(unsubscribe_path(member))
    response = client.post(unsubscribe_path(member))
    assert b"You are not subscribed" in response.content
    assert Consent.objects.filter(user=member, granted=False).count() == 1


# Visitors: double opt-in


@pytest.fixture
def ask(client, eager_tasks, django_capture_on_commit_callbacks):
    """A visitor fills in the sign-up form; its task sends the confirmation after commit."""

    def post(email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/privacy/newsletter/", {"email": email})

    return post


def test_visitor_is_subscribed_only_after_confirming(client, ask, mailoutbox):
    response = ask("Visitor@Example.org")
    assert b"Check your inbox" in response.content
    assert not Consent.objects.exists()
    url = link(mailoutbox[0].body, "/privacy/newsletter/confirm/")
    assert mailoutbox[0].to == ["visitor@example.org"]
    page = client.get(local(url))  # a link scanner's visit changes nothing
    assert b"Yes, subscribe me" in page.content and not Consent.objects.exists()
    client.post(local(url))
    row = Consent.objects.get()
    assert (row.email, row.granted, row.source) == ("visitor@example.org", True, "double-opt-in")
    assert row.text.key == "visitor-newsletter"


def test_confirming_twice_records_one_grant(client, ask, mailoutbox):
    ask("visitor@example.org")
    path = local(link(mailoutbox[0].body, "/privacy/newsletter/confirm/"))
    client.post(path)
    response = client.post(path)
    assert b"already subscribed" in response.content
    assert Consent.objects.count() == 1


def test_an_old_confirmation_link_does_not_undo_a_later_unsubscribe(client, ask, mailoutbox):
    ask("visitor@example.org")
    path = local(link(mailoutbox[0].body, "/privacy/newsletter/confirm/"))
    client.post(path)
    client.post(unsubscribe_path(email="visitor@example.org"))
    response = client.post(path)
    assert b"out of date" in response.content
    assert not consent.has_consent(consent.NEWSLETTER, email="visitor@example.org")


def test_expired_or_forged_confirmation_links_are_refused(client, ask, mailoutbox, settings):
    forged = signing.dumps({"e": "x@example.org", "t": 1, "at": 0}, salt="wrong")
    assert client.post(f"/privacy/newsletter/confirm/{forged}/").status_code == 400
    ask("visitor@example.org")
    path = local(link(mailoutbox[0].body, "/privacy/newsletter/confirm/"))
    settings.RETENTION_UNCONFIRMED_DAYS = -1
    response = client.post(path)
    assert response.status_code == 400 and b"expired" in response.content
    assert not Consent.objects.exists()


def test_confirming_a_members_address_records_the_members_consent(client, ask, mailoutbox):
    member = UserFactory()
    ask(member.email.upper())
    client.post(local(link(mailoutbox[0].body, "/privacy/newsletter/confirm/")))
    assert consent.has_consent(consent.NEWSLETTER, user=member)


def test_subscribe_form_refuses_a_bad_address(ask, mailoutbox):
    response = ask("not-an-address")
    assert response.status_code == 200 and b"Enter a valid email address" in response.content
    assert mailoutbox == []


def test_one_address_gets_at_most_three_confirmations_a_day(ask, mailoutbox):
    assert [ask("target@example.org").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert len(mailoutbox) == 3


def test_one_client_cannot_send_confirmations_to_many_addresses(ask, mailoutbox):
    codes = [ask(f"person{n}@example.org").status_code for n in range(30)]
    assert codes == [200] * 10 + [429] * 20
    assert len(mailoutbox) == 10
    page = ask("one-more@example.org")
    assert b"Enough emails for now" in page.content and b"Nothing was sent" in page.content
    assert (
        Client(REMOTE_ADDR="192.0.2.7")
        .post("/privacy/newsletter/", {"email": "other@example.org"})
        .status_code
        == 200
    )  # another client is not held back


def test_the_confirmation_is_sent_by_a_task_after_commit(
    client, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    task = tasks.send_newsletter_confirmation
    with mock.patch.object(task, "delay", wraps=task.delay) as delay:
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post("/privacy/newsletter/", {"email": "v@example.org"})
        assert response.status_code == 200 and mailoutbox == []  # nothing sent in the request
        for callback in callbacks:
            callback()
    delay.assert_called_once()
    assert mailoutbox[0].to == ["v@example.org"]


# Admin


def test_staff_send_a_test_and_then_the_newsletter_from_admin(client, mailoutbox):
    staff = StaffFactory(second_factor=True)  # the admin requires a second factor
    subscribe_to_newsletter(user=UserFactory())
    client.force_login(staff)
    item = draft()
    url = f"/admin/privacy/newsletter/{item.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"<strong>everyone</strong>" in page.content  # the HTML preview
    form = {"subject": item.subject, "body": item.body}
    client.post(url, {**form, "_send_test": "1"})
    assert [m.to[0] for m in mailoutbox] == [staff.email]
    assert mailoutbox[0].subject == "[Test] November news"
    confirm = client.post(url, {**form, "_send": "1"}, follow=True)
    assert b"1 person consents" in confirm.content
    item.refresh_from_db()
    assert item.status == Newsletter.Status.DRAFT  # nothing is sent without confirming
    send_url = f"/admin/privacy/newsletter/{item.pk}/send/"
    client.post(send_url)
    item.refresh_from_db()
    assert item.status == Newsletter.Status.SENDING
    response = client.post(send_url, follow=True)  # the second click of a double click
    assert b"already sent or is being sent" in response.content


def test_the_sweep_resumes_a_newsletter_whose_task_was_lost(
    mailoutbox, eager_tasks, django_capture_on_commit_callbacks, newsletter_subscriber
):
    # What the sweep queues runs here and now, in this process (eager_tasks).
    member = newsletter_subscriber
    item = started()  # marked as sending, but its task never ran
    draft()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.resume_sending()
    assert [m.to[0] for m in mailoutbox] == [member.email]
    item.refresh_from_db()
    assert item.status == Newsletter.Status.SENT
    with django_capture_on_commit_callbacks(execute=True):
        tasks.resume_sending()
    assert len(mailoutbox) == 1


def test_a_subscription_made_before_joining_does_not_outlive_the_members_own_choice(mailoutbox):
    subscribe_to_newsletter(email="later.member@example.org")  # as a visitor
    member = UserFactory(email="Later.Member@example.org")
    withdraw(member)  # on the preferences page, once a member
    sending.send(started().pk)
    assert mailoutbox == []

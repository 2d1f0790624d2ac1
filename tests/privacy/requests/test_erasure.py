"""Erasure (P13, P18): confirmed with the password and second factor, run by a task through
every registered eraser in one transaction, complete, and safe to run twice."""

import dataclasses

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from forums.models import Post, Topic, User
from privacy import consent, registry
from privacy.models import (
    Consent,
    DataRequest,
    Newsletter,
    NewsletterDelivery,
    RequestEvent,
)
from privacy.requests import erasure, state
from tests.factories import (
    PASSWORD,
    PostFactory,
    TopicFactory,
    UserFactory,
    authenticator_code,
)

Kind, Status = DataRequest.Kind, DataRequest.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_storage", "eager_tasks")]


def erase_through_the_page(client, capture, **data):
    with capture(execute=True):
        return client.post("/privacy/my-data/erase/", {"posts": "keep", **data})


def test_erasure_needs_the_password(user_client, user, django_capture_on_commit_callbacks):
    response = erase_through_the_page(
        user_client, django_capture_on_commit_callbacks, password="wrong password"
    )
    assert response.status_code == 400
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    assert not DataRequest.objects.exists()


def test_erasure_needs_the_second_factor_when_the_member_has_one(
    user_client, user, django_capture_on_commit_callbacks
):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    form = user_client.get("/privacy/my-data/erase/").content.decode()
    assert "Code from your authenticator app" in form
    response = erase_through_the_page(
        user_client, django_capture_on_commit_callbacks, password=PASSWORD, code="000000"
    )
    assert response.status_code == 400
    assert "That code is not valid." in response.content.decode()
    code = authenticator_code(secret)
    response = erase_through_the_page(
        user_client, django_capture_on_commit_callbacks, password=PASSWORD, code=code
    )
    assert response.status_code == 200
    assert not User.objects.filter(pk=user.pk).exists()


def test_too_many_wrong_passwords_pause_the_form(user_client, django_capture_on_commit_callbacks):
    for _ in range(5):
        erase_through_the_page(user_client, django_capture_on_commit_callbacks, password="nope")
    response = erase_through_the_page(
        user_client, django_capture_on_commit_callbacks, password=PASSWORD
    )
    assert "Too many attempts" in response.content.decode()


def test_a_member_erases_their_account_is_signed_out_and_gets_a_last_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    member = UserFactory()
    email = member.email
    topic = TopicFactory(author=member)
    reply = PostFactory(topic=topic)
    client.force_login(member)
    page = client.get("/privacy/my-data/erase/").content.decode()
    assert "quotes and mentions of you then say" in page
    response = erase_through_the_page(
        client, django_capture_on_commit_callbacks, password=PASSWORD, posts="keep"
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get("/privacy/my-data/").status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    first = Post.objects.get(topic=topic, position=1)
    assert first.author is None and first.ip_address is None
    assert Post.objects.filter(pk=reply.pk).exists()
    request = DataRequest.objects.get()
    assert (request.status, request.user, request.email) == (Status.COMPLETED, None, "")
    assert request.requester_hash == registry.keyed_hash(email)
    assert [e.action for e in request.events.all()][-2:] == ["erased", "completed"]
    (last,) = mailoutbox
    assert last.subject == "Your account is erased"
    assert last.to == [email]
    assert "This is the last email" in last.body and "dpo@example.org" in last.body


def test_erasure_can_delete_the_posts(user_client, user, django_capture_on_commit_callbacks):
    topic = TopicFactory(author=user)
    other_topic = TopicFactory()
    PostFactory(topic=other_topic, author=user)
    erase_through_the_page(
        user_client, django_capture_on_commit_callbacks, password=PASSWORD, posts="delete"
    )
    assert not Topic.objects.filter(pk=topic.pk).exists()
    assert Post.objects.filter(topic=other_topic).count() == 1
    other_topic.refresh_from_db()
    assert other_topic.reply_count == 0


def test_a_killed_erasure_leaves_nothing_half_done_and_the_rerun_completes(monkeypatch):
    member = UserFactory()
    TopicFactory(author=member)
    request = state.create(kind=Kind.ERASURE, user=member, keep_posts=False)

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    # The worker dies at the sign-ins eraser, after the posts' and before the account's.
    crashing = registry.Erasure(registry.Erasure.DELETE, killed)
    declaration = dataclasses.replace(registry.get("sign-ins"), erasure=crashing)
    monkeypatch.setitem(registry._registry, "sign-ins", declaration)
    with pytest.raises(SystemExit):
        erasure.erase(request.pk)
    assert User.objects.filter(pk=member.pk).exists()
    assert Post.objects.filter(author=member).exists()
    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS and request.email == member.email

    monkeypatch.undo()
    erasure.erase(request.pk)
    assert not User.objects.filter(pk=member.pk).exists()
    request.refresh_from_db()
    assert request.status == Status.COMPLETED


def test_a_second_erasure_of_an_erased_account_changes_nothing(privacy_officer_client):
    member = UserFactory()
    request = state.create(kind=Kind.ERASURE, user=member, keep_posts=True)
    erasure.erase(request.pk)
    events = RequestEvent.objects.count()
    erasure.erase(request.pk)  # the task delivered twice
    assert RequestEvent.objects.count() == events
    response = privacy_officer_client.post(
        "/admin/privacy/datarequest/?due=all",  # the list shows closed requests too
        {"action": "carry_out_erasure", "_selected_action": [request.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "already completed" in response.content.decode()


def test_staff_erase_a_verified_visitors_address(privacy_officer_client, mailoutbox):
    address = "visitor@example.net"
    consent.record(
        email=address,
        purpose=consent.NEWSLETTER,
        granted=True,
        source=Consent.Source.DOUBLE_OPT_IN,
        text=consent.current_text("signup-newsletter"),
    )
    issue = Newsletter.objects.create(subject="News", body="Hi")
    NewsletterDelivery.objects.create(newsletter=issue, email=address)
    request = state.create(kind=Kind.ERASURE, email=address)
    privacy_officer_client.post(
        "/admin/privacy/datarequest/",
        {"action": "carry_out_erasure", "_selected_action": [request.pk]},
    )
    assert DataRequest.objects.get().status == Status.AWAITING_CONFIRMATION  # not yet verified
    state.confirm(request)
    response = privacy_officer_client.post(
        "/admin/privacy/datarequest/?due=all",  # the list shows closed requests too
        {"action": "carry_out_erasure", "_selected_action": [request.pk]},
    )
    assert response.status_code == 302
    erasure.erase(request.pk)  # what the enqueued task does
    assert not NewsletterDelivery.objects.exists()
    assert DataRequest.objects.get().email == ""

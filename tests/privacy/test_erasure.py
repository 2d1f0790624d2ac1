"""Erasure (P13, P18): confirmed with the password and second factor, run by a task through
every registered eraser in one transaction, complete, and safe to run twice."""

import dataclasses
import re
import uuid

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as counters
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Cast
from django.test import Client

from forums.models import ModerationAction, Post, Report, SignIn, Topic, User
from privacy import consent, cookies, registry, requests, sponsors
from privacy.feedback import receive as receive_feedback
from privacy.models import (
    Consent,
    DataRequest,
    Newsletter,
    NewsletterDelivery,
    RequestEvent,
    RetentionWarning,
)
from tests.factories import (
    PASSWORD,
    PostFactory,
    ResourceFactory,
    StaffFactory,
    TopicFactory,
    UserFactory,
)

Kind, Status = DataRequest.Kind, DataRequest.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_storage", "eager_tasks")]

SIGN_IN_IP, POST_IP = "192.0.2.44", "198.51.100.77"


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
    code = f"{hotp_value(secret, next(counters())):06d}"
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
    request = requests.create(kind=Kind.ERASURE, user=member, keep_posts=False)

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    # The worker dies at the sign-ins eraser, after the posts' and before the account's.
    crashing = registry.Erasure(registry.Erasure.DELETE, killed)
    declaration = dataclasses.replace(registry.get("sign-ins"), erasure=crashing)
    monkeypatch.setitem(registry._registry, "sign-ins", declaration)
    with pytest.raises(SystemExit):
        requests.erase(request.pk)
    assert User.objects.filter(pk=member.pk).exists()
    assert Post.objects.filter(author=member).exists()
    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS and request.email == member.email

    monkeypatch.undo()
    requests.erase(request.pk)
    assert not User.objects.filter(pk=member.pk).exists()
    request.refresh_from_db()
    assert request.status == Status.COMPLETED


def test_a_second_erasure_of_an_erased_account_changes_nothing(privacy_officer_client):
    member = UserFactory()
    request = requests.create(kind=Kind.ERASURE, user=member, keep_posts=True)
    requests.erase(request.pk)
    events = RequestEvent.objects.count()
    requests.erase(request.pk)  # the task delivered twice
    assert RequestEvent.objects.count() == events
    response = privacy_officer_client.post(
        "/admin/privacy/datarequest/",
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
    request = requests.create(kind=Kind.ERASURE, email=address)
    privacy_officer_client.post(
        "/admin/privacy/datarequest/",
        {"action": "carry_out_erasure", "_selected_action": [request.pk]},
    )
    assert DataRequest.objects.get().status == Status.AWAITING_CONFIRMATION  # not yet verified
    requests.confirm(request)
    response = privacy_officer_client.post(
        "/admin/privacy/datarequest/",
        {"action": "carry_out_erasure", "_selected_action": [request.pk]},
    )
    assert response.status_code == 302
    requests.erase(request.pk)  # what the enqueued task does
    assert not NewsletterDelivery.objects.exists()
    assert DataRequest.objects.get().email == ""


# The completeness test (P13): nothing of the member is left anywhere.


def member_with_data_in_every_kind():
    member = UserFactory(
        username="zelda.quill",
        email="zelda.quill@example.net",
        display_name="Zelda Quillfeather",
        job_title="Planner",
        company="Quill Contact Ltd",
        bio="Workforce planning since 2009.",
    )
    TOTP.activate(member, generate_totp_secret())
    SignIn.objects.create(user=member, ip_address=SIGN_IN_IP, user_agent="Firefox")
    topic = TopicFactory(author=member, ip_address=POST_IP)
    other_topic = TopicFactory()
    PostFactory(topic=other_topic, author=member, ip_address=POST_IP, source="About rotas.")
    Post.objects.filter(topic=other_topic, position=1).update(edited_by=member)
    Report.objects.create(post=other_topic.posts.first(), reporter=member, reason="Spam link")
    ModerationAction.objects.create(
        moderator=member, action=ModerationAction.Action.LOCK, topic=topic, reason="Off topic"
    )
    consent.record(
        user=member,
        purpose=consent.NEWSLETTER,
        granted=True,
        source=Consent.Source.SIGNUP,
        text=consent.current_text("signup-newsletter"),
    )
    Client().force_login(member)  # a session
    for actor in (member, StaffFactory()):  # as staff, and an entry about their account
        LogEntry.objects.create(
            user=actor,
            content_type=ContentType.objects.get_for_model(User),
            object_id=str(member.pk),
            object_repr=member.username,
            action_flag=CHANGE,
            change_message="Changed email.",
        )
    issue = Newsletter.objects.create(subject="News", body="Hi")
    NewsletterDelivery.objects.create(newsletter=issue, user=member, email=member.email)
    cookies_receipt = {"consent_id": uuid.uuid4(), "banner_text": cookies.banner_text()}
    member.cookie_consent_receipts.create(accepted={"analytics": "1"}, **cookies_receipt)
    resource = ResourceFactory()
    sponsors.sign_up(
        resource,
        user=member,
        details={
            "name": "Zelda Quillfeather",
            "company": "Quill Contact Ltd",
            "job_title": "Planner",
            "phone": "+44 20 7946 0001",
            "email": member.email,
            "agents": "51-250",
        },
        answers=[],
        consented=True,
        text=sponsors.consent_text(resource.sponsor),
    )
    sponsors.export_leads(resource.sponsor, by=StaffFactory())
    receive_feedback(kind="feedback", message="Nice site", user=member, name="Zelda Quillfeather")
    RetentionWarning.objects.create(user=member, rule="inactive-accounts")
    access = requests.create(kind=Kind.ACCESS, user=member)
    requests.build_export(access.exports.get().pk)
    restriction = requests.create(
        kind=Kind.RESTRICTION, user=member, details="I am Zelda Quillfeather, zelda.quill."
    )
    requests.restrict(restriction)
    return member


def text_columns(model):
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
        or isinstance(f, models.GenericIPAddressField)
    ]


def where_found(needles):
    """`app.Model.field: value` for every text column of every table holding a needle."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in text_columns(model):
            as_text = Cast(field.name, output_field=models.TextField())
            for needle in needles:
                rows = model._default_manager.annotate(_text=as_text).filter(
                    _text__icontains=needle
                )
                for value in rows.values_list("_text", flat=True)[:3]:
                    found.append(f"{model._meta.label}.{field.name}: {value[:80]!r}")
    return found


@pytest.mark.parametrize("keep_posts", [True, False])
def test_erasure_leaves_no_trace_of_the_member_in_any_table(keep_posts, mailoutbox):
    member = member_with_data_in_every_kind()
    needles = [member.username, member.email, member.display_name, SIGN_IN_IP, POST_IP]
    # The test is worth something only if the member is really everywhere first.
    tables = {found.split(":")[0].rsplit(".", 1)[0] for found in where_found(needles)}
    assert {"forums.User", "account.EmailAddress", "forums.SignIn", "forums.Post"} <= tables
    assert {"privacy.Lead", "admin.LogEntry", "privacy.DataRequest"} <= tables
    for declaration in registry.declarations():
        assert any(True for _ in declaration.export_records(registry.Person.of(member))) or (
            declaration.key
            in {"sessions", "sponsor-contacts", "sponsor-disclosure-log", "erased-usernames"}
        ), f"no data of kind {declaration.key}"

    erasure = requests.create(kind=Kind.ERASURE, user=member, keep_posts=keep_posts)
    requests.erase(erasure.pk)

    assert where_found(needles) == []
    # Kept and reduced (P18): the request records and their trail, without the member.
    assert DataRequest.objects.count() == 3
    assert RequestEvent.objects.filter(request=erasure, action="erased").exists()
    assert not DataRequest.objects.exclude(email="").exists()
    assert re.search(r"\[erased\]", DataRequest.objects.get(kind=Kind.RESTRICTION).details)
    assert ModerationAction.objects.filter(reason="Off topic", moderator=None).exists()
    assert Consent.objects.filter(purpose=consent.NEWSLETTER, user=None).exists()
    # Posts are deleted, or kept as a former member's (no author), as the member chose.
    assert Post.objects.filter(source="About rotas.", author=None).exists() is keep_posts

"""Erasure leaves nothing (issue 11, P9, P13, P18): the consent ledger, other members' quotes and
mentions, erased usernames and Django's admin log."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from forums import markup
from forums.models import Post, Report, User
from privacy import consent, registry
from privacy.feedback.publication import receive as receive_feedback
from privacy.models import Consent, DataRequest, Lead, Newsletter
from privacy.newsletter import sending, subscription
from privacy.requests import erasure, state
from privacy.sponsors import services as sponsors
from tests.factories import (
    PostFactory,
    ResourceFactory,
    StaffFactory,
    UserFactory,
    subscribe_to_newsletter,
)

from ..forums.test_accounts import SIGNUP, signup_data

Kind = DataRequest.Kind
pytestmark = pytest.mark.django_db


def erase(subject, *, keep_posts=True):
    """The real path: the request, its confirmation, the staff action, the task's work."""
    if isinstance(subject, str):
        request = state.create(kind=Kind.ERASURE, email=subject)
        state.confirm(request)
        state.carry_out_erasure(request)
    else:
        request = state.create(kind=Kind.ERASURE, user=subject, keep_posts=keep_posts)
    erasure.erase(request.pk)


def next_newsletter_recipients(mailoutbox):
    mailoutbox.clear()
    item = Newsletter.objects.create(
        subject="News", body="Hello.", status=Newsletter.Status.SENDING
    )
    sending.send(item.pk)
    return [message.to[0] for message in mailoutbox]


# The consent ledger (P9, P18)


def test_a_visitors_erasure_ends_their_newsletter_grant_and_keeps_only_a_hash(mailoutbox):
    subscribe_to_newsletter(email="Visitor@Example.net")
    subscribe_to_newsletter(email="someone.else@example.net")
    erase("visitor@example.net")
    assert next_newsletter_recipients(mailoutbox) == ["someone.else@example.net"]
    rows = Consent.objects.filter(email_hash=registry.keyed_hash("visitor@example.net"))
    assert [(row.granted, row.source) for row in rows.order_by("created", "id")] == [
        (True, Consent.Source.DOUBLE_OPT_IN),
        (False, Consent.Source.ERASURE),
    ]
    assert not Consent.objects.filter(email__iexact="visitor@example.net").exists()


def test_a_members_erasure_does_not_revive_the_grant_they_gave_as_a_visitor(mailoutbox):
    subscribe_to_newsletter(email="joined.later@example.net")
    member = UserFactory(email="joined.later@example.net")
    erase(member)
    assert next_newsletter_recipients(mailoutbox) == []
    assert not Consent.objects.filter(email="joined.later@example.net").exists()


def test_a_members_erasure_ends_grants_at_every_verified_address_of_the_account(mailoutbox):
    member = UserFactory()
    member.emailaddress_set.create(email="old.job@example.net", verified=True)
    member.emailaddress_set.create(email="not.proven@example.net", verified=False)
    subscribe_to_newsletter(email="old.job@example.net")
    subscribe_to_newsletter(email="not.proven@example.net")  # perhaps not the member's
    erase(member)
    assert next_newsletter_recipients(mailoutbox) == ["not.proven@example.net"]


def test_the_erased_history_still_stops_an_old_confirmation_link(
    client, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # a task sends the link
        subscription.request_subscription("visitor@example.net")
    token = mailoutbox[-1].body.split("/privacy/newsletter/confirm/")[1].split("/")[0]
    client.post(f"/privacy/newsletter/confirm/{token}/")
    assert consent.has_consent(consent.NEWSLETTER, email="visitor@example.net")
    erase("visitor@example.net")
    response = client.post(f"/privacy/newsletter/confirm/{token}/")  # sent before the erasure
    assert response.context["outcome"] == subscription.Outcome.STALE.value
    assert next_newsletter_recipients(mailoutbox) == []


# Other members' quotes and mentions (P13)


@pytest.fixture
def quoted_member():
    member = UserFactory(username="quill")
    original = PostFactory(author=member, source="Rotas work best when *agents* choose.")
    PostFactory(
        topic=original.topic,
        source=f"{markup.quote(original)}Agreed, @quill. And @quillfeather too.",
    )
    Report.objects.create(post=original, reporter=UserFactory(), reason="@quill again")
    return member, original.topic


def test_quotes_and_mentions_of_an_erased_member_say_a_former_member(client, quoted_member):
    member, topic = quoted_member
    erase(member, keep_posts=True)
    reply = Post.objects.get(topic=topic, position=3)
    assert reply.source == (
        "> A former member wrote:\n>\n> Rotas work best when *agents* choose.\n\n"
        "Agreed, a former member. And @quillfeather too."
    )
    assert "quill" not in reply.html.replace("@quillfeather", "")
    assert "/u/quill/" not in reply.html
    assert Report.objects.get().reason == "a former member again"
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "@quill<" not in page and "/u/quill/" not in page


def test_passages_quoted_from_removed_posts_are_replaced_by_a_marker(quoted_member):
    member, topic = quoted_member
    erase(member, keep_posts=False)
    reply = Post.objects.get(topic=topic, position=3)
    assert reply.source == (
        "> (A quote from a removed post.)\n\nAgreed, a former member. And @quillfeather too."
    )
    assert "Rotas work best" not in reply.html


def test_a_nested_quote_of_a_removed_post_goes_and_the_rest_stays():
    source = "> @bob wrote:\n>\n> > @quill wrote:\n> >\n> > Secret rota.\n>\n> I agree.\n\nMe too."
    assert markup.without_member(source, "quill", quotes_removed=True) == (
        "> @bob wrote:\n>\n> > (A quote from a removed post.)\n>\n> I agree.\n\nMe too."
    )


def test_an_erased_username_is_reserved_for_newcomers(client, quoted_member):
    member, topic = quoted_member
    erase(member)
    html = client.post(SIGNUP, signup_data(username="Quill")).content.decode()
    assert "That username is not available." in html
    assert not User.objects.filter(username__iexact="quill").exists()
    assert not Post.objects.filter(html__contains="/u/quill/").exists()


def test_staff_cannot_give_an_erased_username_to_another_member(staff_client):
    erase(UserFactory(username="quill"))
    other = UserFactory()
    response = staff_client.post(
        f"/admin/forums/user/{other.pk}/change/",
        {"username": "quill", "email": other.email, "date_joined_0": "2026-01-01"},
    )
    assert "That username is not available." in response.content.decode()
    other.refresh_from_db()
    assert other.username != "quill"


# Django's admin log


def log(obj, actor, flag=CHANGE, message="[]"):
    return LogEntry.objects.create(
        user=actor,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=flag,
        change_message=message,
    )


def test_erasure_cleans_admin_log_entries_about_any_of_the_persons_rows():
    staff = StaffFactory()
    member = UserFactory(username="quill", email="quill@example.net")
    row = consent.record(
        user=member,
        purpose=consent.NEWSLETTER,
        granted=True,
        source=Consent.Source.STAFF,
        text=consent.current_text("preferences-newsletter"),
    )
    resource = ResourceFactory()
    sponsors.sign_up(
        resource,
        user=member,
        details={"name": "Quill Feather", "email": member.email, "company": "Quill Ltd"},
        answers=[],
        consented=False,
        text=sponsors.consent_text(resource.sponsor),
    )
    feedback = receive_feedback(kind="feedback", message="Hi", user=member, name="Quill Feather")
    entries = [
        log(member, staff, message='[{"added": {"name": "email address", "object": "quill"}}]'),
        log(row, staff, flag=ADDITION),
        log(Lead.objects.get(), staff),
        log(feedback, staff),
    ]
    unrelated = log(StaffFactory(), staff)
    erase(member)
    for entry in entries:
        entry.refresh_from_db()
        assert "quill" not in (entry.object_repr + entry.change_message).lower()
    assert {entry.object_repr.split(" #")[0] for entry in entries} == {
        "user",
        "consent",
        "lead",
        "feedback",
    }
    unrelated.refresh_from_db()
    assert unrelated.object_repr == str(unrelated.get_edited_object())


def test_a_staff_members_own_admin_log_entries_go_with_them():
    staff = StaffFactory()
    log(UserFactory(), staff)
    erase(staff)
    assert not LogEntry.objects.exists()

"""Feedback and support requests (P16): sending, handling, publication after a notice."""

from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone

from privacy import registry
from privacy.feedback import publication
from privacy.models import Feedback

from ...factories import FeedbackFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_sends_feedback_with_an_email_address(client):
    response = client.post(
        "/feedback/",
        {"kind": "support", "message": "I cannot reset my password.", "email": "sam@example.net"},
    )
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert (item.kind, item.email, item.user, item.status) == (
        "support",
        "sam@example.net",
        None,
        Feedback.Status.NEW,
    )
    assert "reached the team" in client.get(response.url).content.decode()


def test_a_visitor_must_leave_an_address_and_a_message(client):
    response = client.post("/feedback/", {"kind": "feedback", "message": "", "email": ""})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"message", "email"}
    assert not Feedback.objects.exists()


def test_a_member_need_not_give_an_address(user_client, user):
    assert "Otherwise we answer" in user_client.get("/feedback/").content.decode()
    user_client.post("/feedback/", {"kind": "feedback", "message": "Lovely forum."})
    item = Feedback.objects.get()
    assert item.user == user and item.email == "" and item.reply_to == user.email


def test_bad_input_is_refused_with_form_errors(client):
    response = client.post(
        "/feedback/", {"kind": "complaint", "message": "x" * 5001, "email": "not-an-address"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"kind", "message", "email"}


def test_a_visitor_who_allows_preference_cookies_finds_name_and_email_filled_in(client):
    client.post("/privacy/cookies/settings/", {"choice": "save", "accepted": ["preferences"]})
    client.post(
        "/feedback/",
        {"kind": "feedback", "message": "Hi", "name": "Sam", "email": "sam@example.net"},
    )
    assert client.get("/feedback/").context["form"].initial == {
        "name": "Sam",
        "email": "sam@example.net",
    }


def test_publication_needs_the_staff_flag_and_an_edited_text(mailoutbox):
    item = FeedbackFactory(published_text="Edited.")
    with pytest.raises(publication.CannotPublish):
        publication.publish(item)
    item.for_publication, item.published_text = True, "  "
    with pytest.raises(publication.CannotPublish):
        publication.publish(item)
    assert mailoutbox == [] and not Feedback.objects.published().exists()


def test_the_sender_is_emailed_before_the_text_is_published(mailoutbox, monkeypatch):
    item = FeedbackFactory(for_publication=True, published_text="A member asked for filters.")
    seen_when_sending = []
    send = EmailMessage.send

    def watch(message, fail_silently=False):
        seen_when_sending.append(Feedback.objects.published().exists())
        return send(message, fail_silently)

    monkeypatch.setattr(EmailMessage, "send", watch)
    assert publication.publish(item) is True
    assert seen_when_sending == [False]
    (message,) = mailoutbox
    assert message.to == [item.email]
    assert "A member asked for filters." in message.body
    assert "/feedback/published/" in message.body
    assert "A member asked for filters." in message.alternatives[0][0]
    item.refresh_from_db()
    assert item.sender_notified_at and item.published_at
    assert publication.publish(item) is False and len(mailoutbox) == 1


def test_nothing_is_published_when_the_notice_cannot_be_sent(monkeypatch):
    item = FeedbackFactory(for_publication=True, published_text="Edited.")

    def fail(self, fail_silently=False):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", fail)
    with pytest.raises(OSError):
        publication.publish(item)
    item.refresh_from_db()
    assert item.published_at is None and item.sender_notified_at is None


def test_the_published_page_shows_only_the_edited_text(client, django_assert_max_num_queries):
    for n in range(25):
        item = FeedbackFactory(
            message=f"Private words {n}", for_publication=True, published_text=f"Edited {n}"
        )
        publication.publish(item)
    FeedbackFactory(message="Not published")
    with django_assert_max_num_queries(6):
        html = client.get("/feedback/published/").content.decode()
    assert "Edited 24" in html and "Edited 4" not in html  # 20 per page, newest first
    assert "Private words" not in html and "Not published" not in html and "example.net" not in html
    assert "Edited 4" in client.get("/feedback/published/?page=2").content.decode()


def test_staff_publish_from_the_admin_and_the_sender_is_told(staff_client, mailoutbox):
    item = FeedbackFactory()
    url = f"/admin/privacy/feedback/{item.pk}/change/"
    data = {"status": "closed", "staff_notes": "Answered.", "for_publication": "on"}
    response = staff_client.post(url, {**data, "published_text": ""})
    assert response.status_code == 200  # the form says the text is missing
    assert "Write the text to publish." in response.content.decode()
    response = staff_client.post(url, {**data, "published_text": "Someone liked it."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.published_at and item.closed_at and len(mailoutbox) == 1
    staff_client.post(url, {"status": "closed", "staff_notes": "Sender objected."})
    item.refresh_from_db()
    assert item.published_at is None and not item.for_publication


def test_erasure_deletes_unpublished_feedback_and_keeps_only_published_text(user):
    FeedbackFactory(user=user, email="", message="Unpublished")
    published = FeedbackFactory(user=user, for_publication=True, published_text="Edited")
    publication.publish(published)
    other = FeedbackFactory()
    registry.erase(user, keep_posts=True)
    published.refresh_from_db()
    assert (published.user, published.email, published.message) == (None, "", "")
    assert published.published_text == "Edited" and published.published_at
    assert list(Feedback.objects.order_by("id")) == [published, other]


def test_the_data_export_includes_a_members_feedback(user):
    FeedbackFactory(user=user, email="", message="My words")
    FeedbackFactory(message="Somebody else's words")
    exported = {d.key: list(records) for d, records in registry.export(user)}
    assert [r["message"] for r in exported["feedback"]] == ["My words"]


def test_retention_deletes_closed_feedback_and_reduces_published_items():
    old = timezone.now() - timedelta(days=800)
    closed = FeedbackFactory(status=Feedback.Status.CLOSED)
    open_item = FeedbackFactory()
    published = FeedbackFactory(for_publication=True, published_text="Edited")
    publication.publish(published)
    Feedback.objects.filter(pk=closed.pk).update(closed_at=old)
    Feedback.objects.filter(pk=published.pk).update(published_at=old)
    rules = {r.key: r for r in registry.retention_rules()}
    now = timezone.now()
    assert rules["feedback"].apply(rules["feedback"].expired_at(now)) == 1
    assert rules["published-feedback"].apply(rules["published-feedback"].expired_at(now)) == 1
    assert not rules["published-feedback"].expired_at(now).exists()  # a second run: nothing
    published.refresh_from_db()
    assert published.message == "" and published.email == ""
    assert published.published_text == "Edited"
    assert set(Feedback.objects.all()) == {open_item, published}


def test_closing_records_when_and_reopening_clears_it():
    item = FeedbackFactory()
    item.status = Feedback.Status.CLOSED
    item.save()
    assert item.closed_at is not None
    item.status = Feedback.Status.IN_PROGRESS
    item.save()
    assert item.closed_at is None


def test_a_member_erased_leaves_other_members_feedback_alone():
    mine, theirs = UserFactory(), UserFactory()
    FeedbackFactory(user=theirs, email="")
    registry.erase(mine, keep_posts=True)
    assert Feedback.objects.filter(user=theirs).count() == 1


def test_a_flood_of_feedback_from_one_address_is_refused(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "feedback": "2/h/ip"}
    data = {"kind": "feedback", "message": "Hi", "email": "sam@example.net"}
    assert [client.post("/feedback/", data).status_code for _ in range(3)] == [302, 302, 429]
    assert Feedback.objects.count() == 2

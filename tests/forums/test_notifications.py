import time
from unittest import mock

import pytest
from django.urls import reverse

from forums import moderation
from forums.notifications import (
    SWITCH_OFF_LINK_MAX_AGE,
    set_reply_notifications,
    switch_off_token,
)
from forums.tasks import notify_reply

from ..factories import (
    CategoryFactory,
    ModeratorFactory,
    PostFactory,
    StaffFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_reply_enqueues_the_notification_after_commit(
    user_client, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    monkeypatch.setattr(notify_reply, "delay", notify_reply)  # in-process, not via a broker
    topic = TopicFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user_client.post(topic.get_absolute_url(), {"source": "Good question!"})
    assert any("notify_reply" in repr(callback) for callback in callbacks)
    assert mailoutbox == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mailoutbox] == [[topic.author.email]]


def test_participants_get_one_email_per_topic_until_they_visit(client, mailoutbox):
    starter = UserFactory()
    topic = TopicFactory(author=starter)
    replier = UserFactory()
    for n in range(3):
        notify_reply(PostFactory(topic=topic, author=replier, source=f"Reply {n}").pk)
    assert len(mailoutbox) == 1
    client.force_login(starter)
    client.get(topic.get_absolute_url())
    notify_reply(PostFactory(topic=topic, author=replier).pk)
    assert len(mailoutbox) == 2


def test_a_participant_who_read_the_topic_before_is_emailed_again_after_each_visit(
    client, mailoutbox
):
    starter = UserFactory()
    topic = TopicFactory(author=starter)
    client.force_login(starter)
    client.get(topic.get_absolute_url())  # read before: the next visit is not their first
    replier = UserFactory()
    for visit in range(2):
        notify_reply(PostFactory(topic=topic, author=replier).pk)
        notify_reply(PostFactory(topic=topic, author=replier).pk)
        assert len(mailoutbox) == visit + 1
        client.get(topic.get_absolute_url())


def test_a_visit_after_an_email_lets_the_next_reply_email_again_though_their_read_was_kept(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    """How far a member read a topic is kept for them between views (pagecache.own): an email
    sent since must reach their next view, or no reply would ever email them again."""
    starter, replier = UserFactory(), UserFactory()
    topic = TopicFactory(author=starter)
    client.force_login(starter)

    def committed(action):  # as in production, where each request commits on its own
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    def visit():
        committed(lambda: client.get(topic.get_absolute_url()))

    visit()  # the first: recorded
    reply = committed(lambda: PostFactory(topic=topic, author=replier))
    visit()  # the reply read and recorded
    visit()  # nothing new: how far they read is kept
    committed(lambda: notify_reply(reply.pk))
    assert len(mailoutbox) == 1
    visit()
    committed(lambda: notify_reply(PostFactory(topic=topic, author=replier).pk))
    assert len(mailoutbox) == 2


def test_every_participant_but_the_author_is_emailed_once(mailoutbox):
    topic = TopicFactory()
    others = [PostFactory(topic=topic).author for _ in range(2)]
    post = PostFactory(topic=topic, author=others[0])
    assert notify_reply(post.pk) == 2
    assert notify_reply(post.pk) == 0  # the task is safe to run twice
    assert sorted(m.to[0] for m in mailoutbox) == sorted([topic.author.email, others[1].email])


def test_email_has_text_and_html_parts_and_a_switch_off_link(mailoutbox, settings):
    topic = TopicFactory(title="Rota tips")
    notify_reply(PostFactory(topic=topic, source="Try **self-rostering**.").pk)
    email = mailoutbox[0]
    token = switch_off_token(topic.author)
    link = settings.SITE_URL + reverse("notifications_off", args=[token])
    assert "Rota tips" in email.subject
    assert link in email.body and "Try **self-rostering**." in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html" and link in html and "<strong>self-rostering</strong>" in html
    assert email.extra_headers["List-Unsubscribe"] == f"<{link}>"


def test_switch_off_link_works_without_logging_in(client, mailoutbox):
    member = UserFactory()
    url = reverse("notifications_off", args=[switch_off_token(member)])
    page = client.get(url)
    assert page.status_code == 200 and "Stop reply emails" in page.content.decode()
    member.refresh_from_db()
    assert member.notify_replies  # GET only asks
    assert client.post(url).status_code == 200
    member.refresh_from_db()
    assert not member.notify_replies
    topic = TopicFactory(author=member)
    notify_reply(PostFactory(topic=topic).pk)
    assert mailoutbox == []


def test_forged_switch_off_link_is_404(client):
    member = UserFactory()
    token = switch_off_token(member)
    assert client.get(reverse("notifications_off", args=[token + "x"])).status_code == 404
    assert client.post(reverse("notifications_off", args=["nonsense"])).status_code == 404


def test_member_switches_notifications_off_and_on_in_their_account(user_client, user):
    url = reverse("account_notifications")
    assert 'name="notify_replies"' in user_client.get(reverse("account_overview")).content.decode()
    user_client.post(url, {})
    user.refresh_from_db()
    assert not user.notify_replies
    user_client.post(url, {"notify_replies": "on"})
    user.refresh_from_db()
    assert user.notify_replies


def test_set_reply_notifications_is_callable_by_other_features(user):
    set_reply_notifications(user, False)
    user.refresh_from_db()
    assert user.notify_replies is False


def test_hidden_replies_send_nothing(mailoutbox):
    post = PostFactory()
    moderation.set_post_hidden(post, True, moderator=StaffFactory())
    assert notify_reply(post.pk) == 0 and mailoutbox == []


def test_task_for_a_deleted_post_does_nothing(mailoutbox):
    assert notify_reply(123456) == 0


def test_no_notification_quotes_a_post_the_participant_can_no_longer_read(mailoutbox):
    member = UserFactory()
    topic = TopicFactory(author=member, title="Rota question")
    moderator = ModeratorFactory()
    moderation.move_topic(topic, CategoryFactory(staff_only=True), moderator=moderator)
    fellow_moderator = ModeratorFactory(second_factor=True)  # staff content needs a 2nd factor
    PostFactory(topic=topic, author=fellow_moderator)
    post = PostFactory(topic=topic, author=moderator, source="Staff only: ban this member?")
    assert notify_reply(post.pk) == 1
    assert [m.to for m in mailoutbox] == [[fellow_moderator.email]]


def test_switch_off_link_expires_and_points_to_the_preferences_page(client, settings):
    member = UserFactory()
    url = reverse("notifications_off", args=[switch_off_token(member)])
    later = time.time() + SWITCH_OFF_LINK_MAX_AGE.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        page = client.post(url)
    assert page.status_code == 400
    html = page.content.decode()
    assert "This link has expired" in html and reverse("privacy:preferences") in html
    member.refresh_from_db()
    assert member.notify_replies

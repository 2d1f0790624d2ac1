"""@username in a post tells that member by a service email (issue 16): once per post (edits
never again), batched one per topic until they visit it, only to active verified members who
may read the post and have not switched it off, never to the writer, never for a hidden post."""

import pytest
from django.urls import reverse

from forums import moderation, posting
from forums.mentions import notify_mentioned
from forums.models import Mention, Post
from privacy import registry
from privacy.models import DataRequest
from privacy.requests import state
from tests.factories import CategoryFactory, ModeratorFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def post_now(eager_tasks, django_capture_on_commit_callbacks):
    """Reply as `author` with its tasks (reply and mention emails) run once committed."""

    def post(topic, author, source):
        with django_capture_on_commit_callbacks(execute=True):
            return posting.reply(topic=topic, author=author, source=source, ip_address=None)

    return post


@pytest.fixture
def edit_now(eager_tasks, django_capture_on_commit_callbacks):
    def edit(post, source):
        with django_capture_on_commit_callbacks(execute=True):
            return posting.edit_post(post, editor=post.author, source=source)

    return edit


def mention_emails(mailoutbox, to=None):
    return [m for m in mailoutbox if "mentioned you" in m.subject and (to is None or m.to == [to])]


def test_a_mention_emails_the_member_and_links_to_their_profile(post_now, mailoutbox):
    bob, writer = UserFactory(username="bob"), UserFactory(display_name="Ada Writer")
    topic = TopicFactory(title="Shift patterns")
    post = post_now(topic, writer, "Thanks @bob, that rota worked.")
    assert (
        '<a href="/u/bob/" class="mention" rel="nofollow noopener noreferrer ugc">@bob</a>'
        in post.html
    )
    (email,) = mention_emails(mailoutbox)
    assert email.to == [bob.email]
    assert email.subject == 'Ada Writer mentioned you in "Shift patterns"'
    assert post.get_absolute_url() in email.body and "that rota worked" in email.body
    assert email.alternatives[0][1] == "text/html"
    assert reverse("account_overview") in email.body  # where to switch them off
    assert Mention.objects.get().user == bob


def test_an_edited_post_never_tells_anyone_twice(post_now, edit_now, mailoutbox):
    bob, writer = UserFactory(username="bob"), UserFactory()
    post = post_now(TopicFactory(), writer, "Ask @bob.")
    edit_now(post, "Ask @bob about rotas.")
    edit_now(post, "Ask someone.")
    edit_now(post, "Ask @bob after all.")
    assert len(mention_emails(mailoutbox, bob.email)) == 1
    carol = UserFactory(username="carol")
    edit_now(post, "Ask @bob and @carol.")  # a name added by an edit is told, once
    assert len(mention_emails(mailoutbox, carol.email)) == 1
    assert len(mention_emails(mailoutbox)) == 2


def test_a_hidden_post_or_topic_tells_nobody(
    moderator, eager_tasks, django_capture_on_commit_callbacks, mailoutbox
):
    UserFactory(username="bob")
    topic = TopicFactory()
    with django_capture_on_commit_callbacks(execute=False):  # hidden before the task runs
        post = posting.reply(topic=topic, author=UserFactory(), source="@bob", ip_address=None)
    Post.objects.filter(pk=post.pk).update(hidden=True)
    assert notify_mentioned(Post.objects.get(pk=post.pk)) == 0
    other = posting.reply(topic=topic, author=UserFactory(), source="Hi @bob", ip_address=None)
    topic.hidden = True
    topic.save(update_fields=["hidden"])
    assert notify_mentioned(Post.objects.select_related("topic").get(pk=other.pk)) == 0
    assert mention_emails(mailoutbox) == [] and not Mention.objects.exists()


def test_a_staff_only_category_tells_only_those_who_can_read_it(post_now, mailoutbox):
    member = UserFactory(username="member.bob")
    mod = ModeratorFactory(username="mod.ann", second_factor=True)
    ModeratorFactory(username="mod.ben")  # without a second factor staff rights count for nothing
    writer = ModeratorFactory(second_factor=True)
    staff_room = TopicFactory(category=CategoryFactory(staff_only=True), author=writer)
    post_now(staff_room, writer, "@member.bob @mod.ben and @mod.ann, see this.")
    assert [m.to for m in mention_emails(mailoutbox)] == [[mod.email]]
    assert list(Mention.objects.values_list("user", flat=True)) == [mod.pk]
    assert member.mentions.count() == 0


def test_never_to_oneself_nor_to_inactive_unverified_or_switched_off_members(post_now, mailoutbox):
    writer = UserFactory(username="writer")
    UserFactory(username="gone", is_active=False)
    UserFactory(username="unverified", verified=False)
    UserFactory(username="quiet", notify_mentions=False)
    restricted = UserFactory(username="restricted")
    state.restrict(state.create(kind=DataRequest.Kind.RESTRICTION, user=restricted))
    post_now(TopicFactory(), writer, "@writer @gone @unverified @quiet @restricted @nobody")
    assert mention_emails(mailoutbox) == []
    assert not Mention.objects.exists()


def test_one_email_per_topic_until_the_member_visits_it(post_now, mailoutbox, client):
    bob = UserFactory(username="bob")
    topic, other_topic = TopicFactory(), TopicFactory()
    post_now(topic, UserFactory(), "@bob one")
    post_now(topic, UserFactory(), "@bob two")
    assert len(mention_emails(mailoutbox, bob.email)) == 1
    assert Mention.objects.filter(user=bob).count() == 2  # the second was recorded, not sent
    post_now(other_topic, UserFactory(), "@bob elsewhere")
    assert len(mention_emails(mailoutbox, bob.email)) == 2  # another topic: its own email
    client.force_login(bob)
    assert client.get(topic.get_absolute_url()).status_code == 200
    post_now(topic, UserFactory(), "@bob three")
    assert len(mention_emails(mailoutbox, bob.email)) == 3


def test_running_the_task_twice_sends_nothing_more(post_now, mailoutbox):
    UserFactory(username="bob")
    post = post_now(TopicFactory(), UserFactory(), "@bob")
    assert notify_mentioned(Post.objects.select_related("topic__category").get(pk=post.pk)) == 0
    assert len(mention_emails(mailoutbox)) == 1


def test_mentions_per_post_caps_a_post_that_names_many(post_now, edit_now, mailoutbox, settings):
    settings.MENTIONS_PER_POST = 3
    names = [UserFactory(username=f"mem{n}").username for n in range(6)]
    post = post_now(TopicFactory(), UserFactory(), " ".join(f"@{n}" for n in names[:4]))
    assert sorted(m.to[0] for m in mention_emails(mailoutbox)) == [
        f"mem{n}@example.org" for n in range(3)
    ]
    edit_now(post, " ".join(f"@{n}" for n in names))  # edits add to the same budget
    assert len(mention_emails(mailoutbox)) == 3


def test_a_moderator_hiding_the_post_first_stops_the_email(
    moderator, eager_tasks, django_capture_on_commit_callbacks, mailoutbox
):
    UserFactory(username="bob")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        post = posting.reply(
            topic=TopicFactory(), author=UserFactory(), source="@bob", ip_address=None
        )
    moderation.set_post_hidden(post, True, moderator=moderator)
    for callback in queued:
        callback()
    assert mention_emails(mailoutbox) == []


def test_members_switch_mention_emails_off_on_their_account_page(user_client, user):
    page = user_client.get(reverse("account_overview")).content.decode()
    assert 'name="notify_mentions"' in page
    response = user_client.post(
        reverse("account_notifications"), {"notify_replies": "on"}, follow=True
    )
    user.refresh_from_db()
    assert user.notify_replies and not user.notify_mentions
    assert "mention emails are off" in response.content.decode()
    user_client.post(reverse("account_notifications"), {"notify_mentions": "on"})
    user.refresh_from_db()
    assert user.notify_mentions and not user.notify_replies


def test_a_mention_is_in_the_members_export(post_now):
    bob = UserFactory(username="bob")
    post_now(TopicFactory(title="Rota tips"), UserFactory(), "@bob")
    exported = {d.key: list(records) for d, records in registry.export(bob)}
    (row,) = exported["mentions"]
    assert row["topic_title"] == "Rota tips" and row["emailed"] is not None


def test_a_mention_is_rendered_as_a_safe_link(post_now):
    UserFactory(username="bob")
    post = post_now(TopicFactory(), UserFactory(), 'Hi @bob<script>x</script> @"><b>x')
    assert "<script>" not in post.html and "<b>" not in post.html
    assert 'href="/u/bob/" class="mention"' in post.html
    assert post.html.count("<a ") == 1  # @"> names nobody: plain text


def test_the_email_carries_a_one_click_switch_off_for_mentions_only(
    post_now, mailoutbox, client, settings
):
    bob = UserFactory(username="bob")
    post_now(TopicFactory(), UserFactory(), "@bob")
    (email,) = mention_emails(mailoutbox)
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in email.body and link in email.alternatives[0][0]
    path = link.removeprefix(settings.SITE_URL)
    assert path.startswith("/notifications/mentions/off/")
    page = client.get(path)
    assert page.status_code == 200 and "Stop mention emails" in page.content.decode()
    assert client.post(path).status_code == 200
    bob.refresh_from_db()
    assert not bob.notify_mentions and bob.notify_replies  # the reply emails stay on
    reply_link = reverse("notifications_off", args=[path.rstrip("/").rsplit("/", 1)[1]])
    assert client.post(reply_link).status_code == 404  # one kind's link is not the other's

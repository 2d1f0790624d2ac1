from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forums import moderation
from forums.models import Category, ModerationAction, Report, Topic

from ..factories import (
    CategoryFactory,
    ModeratorFactory,
    PostFactory,
    StaffFactory,
    TopicFactory,
    UserFactory,
    add_second_factor,
)

pytestmark = pytest.mark.django_db


def moderate(client, topic, action, **extra):
    return client.post(
        reverse("topic_moderate", args=[topic.pk, topic.slug]),
        {"action": action, "reason": "tidy", **extra},
    )


@pytest.mark.parametrize(
    "action, field, value",
    [("pin", "pinned", True), ("lock", "locked", True), ("hide_topic", "hidden", True)],
)
def test_moderator_changes_a_topic_and_the_action_is_logged(
    moderator_client, moderator, action, field, value
):
    topic = TopicFactory()
    assert moderate(moderator_client, topic, action).status_code == 302
    topic.refresh_from_db()
    assert getattr(topic, field) is value
    entry = ModerationAction.objects.get()
    assert (entry.moderator, entry.action, entry.topic, entry.reason) == (
        moderator,
        action,
        topic,
        "tidy",
    )


def test_moderator_moves_a_topic_and_both_categories_are_recounted(moderator_client):
    topic = TopicFactory()
    PostFactory(topic=topic)
    target = CategoryFactory(name="Elsewhere")
    moderate(moderator_client, topic, "move", category=target.pk)
    old = Category.objects.get(pk=topic.category_id)
    target.refresh_from_db()
    assert (old.topic_count, old.post_count, old.last_post) == (0, 0, None)
    assert (target.topic_count, target.post_count) == (1, 2)
    assert ModerationAction.objects.get().detail == f"from {old.name} to Elsewhere"


def test_move_without_a_category_is_refused(moderator_client):
    topic = TopicFactory()
    response = moderate(moderator_client, topic, "move")
    assert response.status_code == 302 and not ModerationAction.objects.exists()


def test_members_cannot_moderate(user_client):
    topic = TopicFactory()
    assert moderate(user_client, topic, "pin").status_code == 403
    post = PostFactory(topic=topic)
    url = reverse("post_moderate", args=[post.pk])
    assert user_client.post(url, {"hidden": "on"}).status_code == 403
    assert not Topic.objects.filter(pinned=True).exists()


def test_hidden_posts_disappear_from_topic_pages_counts_and_profiles(
    client, moderator_client, moderator
):
    topic = TopicFactory()
    post = PostFactory(topic=topic, source="Buy cheap watches")
    moderator_client.post(reverse("post_moderate", args=[post.pk]), {"hidden": "on"})
    post.refresh_from_db()
    topic.refresh_from_db()
    assert post.hidden and topic.reply_count == 0 and topic.last_post == topic.posts.first()
    assert Category.objects.get(pk=topic.category_id).post_count == 1
    assert "cheap watches" not in client.get(topic.get_absolute_url()).content.decode()
    assert "cheap watches" not in client.get(f"/u/{post.author.username}/").content.decode()
    # Moderators still see it, marked, and can show it again.
    assert "cheap watches" in moderator_client.get(topic.get_absolute_url()).content.decode()
    moderator_client.post(reverse("post_moderate", args=[post.pk]), {})
    topic.refresh_from_db()
    assert topic.reply_count == 1
    assert [a.action for a in ModerationAction.objects.order_by("pk")] == [
        "hide_post",
        "unhide_post",
    ]


def test_hidden_topics_and_staff_only_categories_are_invisible_to_members(
    user_client, moderator_client
):
    hidden = TopicFactory(title="Hidden topic title")
    moderation.moderate_topic(hidden, "hide_topic", moderator=StaffFactory())
    staff_only = CategoryFactory(staff_only=True, name="Back room")
    secret = TopicFactory(category=staff_only, title="Secret topic title")
    for c in (Client(), user_client):  # a visitor and a member
        home = c.get("/").content.decode()
        assert "Hidden topic title" not in home and "Back room" not in home
        assert c.get(hidden.get_absolute_url()).status_code == 404
        assert c.get(secret.get_absolute_url()).status_code == 404
        assert c.get(staff_only.get_absolute_url()).status_code == 404
    assert moderator_client.get(secret.get_absolute_url()).status_code == 200
    assert "Back room" in moderator_client.get("/").content.decode()


@pytest.mark.parametrize("factory", [ModeratorFactory, StaffFactory])
def test_staff_without_a_second_factor_cannot_moderate_or_see_staff_only_content(client, factory):

    staff = factory()
    client.force_login(staff)
    staff_only = CategoryFactory(staff_only=True, name="Back room")
    secret = TopicFactory(category=staff_only, title="Secret topic title")
    topic = TopicFactory()
    assert client.get(secret.get_absolute_url()).status_code == 404
    assert client.get(staff_only.get_absolute_url()).status_code == 404
    assert "Back room" not in client.get("/").content.decode()
    assert moderate(client, topic, "lock").status_code == 403
    post = topic.last_post
    post_moderate = reverse("post_moderate", args=[post.pk])
    assert client.post(post_moderate, {"hidden": "on"}).status_code == 403
    assert not ModerationAction.objects.exists()

    add_second_factor(staff)
    assert client.get(secret.get_absolute_url()).status_code == 200
    assert "Back room" in client.get("/").content.decode()
    assert moderate(client, topic, "lock").status_code == 302
    assert client.post(post_moderate, {"hidden": "on"}).status_code == 302
    topic.refresh_from_db()
    post.refresh_from_db()
    assert topic.locked and post.hidden


def test_deleting_a_post_keeps_counts_right():
    topic = TopicFactory()
    reply = PostFactory(topic=topic)
    reply.delete()
    topic.refresh_from_db()
    assert topic.reply_count == 0 and topic.last_post == topic.posts.get()
    assert Category.objects.get(pk=topic.category_id).post_count == 1


def test_member_reports_a_post_once(user_client, user):
    post = PostFactory()
    url = reverse("post_report", args=[post.pk])
    assert user_client.post(url, {"reason": ""}).status_code == 200
    assert user_client.post(url, {"reason": "Spam"}).status_code == 302
    assert user_client.post(url, {"reason": "Spam again"}).status_code == 302
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.status) == (user, "Spam", "open")


def test_a_dismissed_report_can_be_made_again_only_after_some_days(user_client, user, settings):
    post = PostFactory()
    url = reverse("post_report", args=[post.pk])
    user_client.post(url, {"reason": "Spam"})
    moderation.resolve_report(Report.objects.get(), moderator=StaffFactory(), hide_post=False)
    response = user_client.post(url, {"reason": "Still spam"})
    assert response.status_code == 200
    assert "already looked at your report of this post" in response.content.decode()
    assert Report.objects.count() == 1
    days = timedelta(days=settings.FORUMS_REPORT_AGAIN_DAYS, minutes=1)
    Report.objects.update(resolved=timezone.now() - days)
    assert user_client.post(url, {"reason": "Still spam"}).status_code == 302
    assert Report.objects.filter(status="open").count() == 1


def test_one_member_files_a_limited_number_of_reports_a_day(user_client, user, settings):
    settings.FORUMS_REPORTS_PER_DAY = 3
    posts = PostFactory.create_batch(4)
    codes = [
        user_client.post(reverse("post_report", args=[p.pk]), {"reason": "Spam"}).status_code
        for p in posts
    ]
    assert codes == [302, 302, 302, 200]
    response = user_client.post(reverse("post_report", args=[posts[3].pk]), {"reason": "Spam"})
    assert "You can report 3 posts a day" in response.content.decode()
    assert Report.objects.filter(reporter=user).count() == 3


def test_report_queue_action_hides_the_post_and_closes_reports(staff_client):
    post = PostFactory()
    for reporter in (UserFactory(), UserFactory()):
        moderation.report_post(post, reporter=reporter, reason="Rude")
    report = Report.objects.first()
    response = staff_client.post(
        reverse("admin:forums_report_changelist"),
        {"action": "hide_reported_posts", "_selected_action": [report.pk]},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.hidden
    assert set(Report.objects.values_list("status", flat=True)) == {"hidden"}
    assert ModerationAction.objects.get().action == "hide_post"


def test_admin_topic_action_uses_the_logged_moderation_function(staff_client):
    topic = TopicFactory()
    staff_client.post(
        reverse("admin:forums_topic_changelist"),
        {"action": "topic_lock", "_selected_action": [topic.pk]},
    )
    topic.refresh_from_db()
    assert topic.locked and ModerationAction.objects.get().action == "lock"


def test_moderators_group_has_no_access_to_members_or_ip_addresses(moderator):
    assert moderator.has_perm("forums.change_topic") and moderator.has_perm("forums.view_report")
    assert not moderator.has_perm("forums.view_user")
    assert not moderator.has_perm("forums.view_ip_address")


def test_ip_address_in_admin_only_with_the_permission(client, moderator):
    client.force_login(moderator)
    post = PostFactory()
    url = reverse("admin:forums_post_change", args=[post.pk])
    page = client.get(url).content.decode()
    assert "198.51.100.7" not in page and post.author.email not in page
    assert client.get(reverse("admin:forums_user_changelist")).status_code == 403
    moderator.user_permissions.add(Permission.objects.get(codename="view_ip_address"))
    moderator = type(moderator).objects.get(pk=moderator.pk)  # fresh permission cache
    client.force_login(moderator)
    assert "198.51.100.7" in client.get(url).content.decode()


def test_admin_lists_for_staff_render(staff_client):
    post = PostFactory()
    moderation.report_post(post, reporter=UserFactory(), reason="Off topic")
    moderation.set_post_hidden(post, True, moderator=StaffFactory(), reason="spam")
    for name in ("category", "topic", "post", "report", "moderationaction"):
        assert staff_client.get(reverse(f"admin:forums_{name}_changelist")).status_code == 200


def test_admin_moves_topics_to_the_chosen_category(staff_client):
    topic = TopicFactory()
    target = CategoryFactory()
    changelist = reverse("admin:forums_topic_changelist")
    staff_client.post(changelist, {"action": "move_topics", "_selected_action": [topic.pk]})
    topic.refresh_from_db()
    assert topic.category_id != target.pk
    staff_client.post(
        changelist,
        {"action": "move_topics", "_selected_action": [topic.pk], "category": target.pk},
    )
    topic.refresh_from_db()
    assert topic.category == target and ModerationAction.objects.get().action == "move"

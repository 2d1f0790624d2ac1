import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from forums.models import Category, Post, Topic
from forums.tasks import notify_reply

from ..factories import CategoryFactory, PostFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def new_topic_url(category):
    return reverse("new_topic", args=[category.slug])


def test_home_lists_categories_with_counts_and_latest_topics(client):
    topic = TopicFactory(title="Forecasting a launch")
    PostFactory(topic=topic)
    html = client.get("/").content.decode()
    assert topic.category.name in html and "Forecasting a launch" in html
    category = Category.objects.get(pk=topic.category_id)
    assert (category.topic_count, category.post_count) == (1, 2)
    assert category.last_post == topic.posts.last()


def test_category_lists_pinned_topics_first_then_by_last_activity(client):
    category = CategoryFactory()
    old = TopicFactory(category=category, title="Old topic")
    pinned = TopicFactory(category=category, title="Pinned topic")
    Topic.objects.filter(pk=pinned.pk).update(pinned=True)
    new = TopicFactory(category=category, title="New topic")
    PostFactory(topic=old)  # a reply makes the old topic the most active
    html = client.get(category.get_absolute_url()).content.decode()
    assert html.index("Pinned topic") < html.index("Old topic") < html.index("New topic")
    assert new.title in html


def test_category_page_is_paginated_and_a_stale_page_shows_the_last(client):
    category = CategoryFactory()
    for _ in range(26):
        TopicFactory(category=category)
    assert "Page 2 of 2" in client.get(category.get_absolute_url() + "?page=2").content.decode()
    assert "Page 2 of 2" in client.get(category.get_absolute_url() + "?page=99").content.decode()
    assert "Page 1 of 2" in client.get(category.get_absolute_url() + "?page=abc").content.decode()


def test_missing_category_topic_post_and_member_are_404(user_client):
    client = Client()  # a visitor
    assert client.get("/c/no-such-thing/").status_code == 404
    assert client.get("/t/999/nothing/").status_code == 404
    assert client.get("/u/nobody/").status_code == 404
    assert user_client.get("/p/999/edit/").status_code == 404
    assert user_client.get("/c/no-such-thing/new/").status_code == 404


def test_member_starts_a_topic(user_client, user):
    category = CategoryFactory()
    response = user_client.post(
        new_topic_url(category), {"title": "Shrinkage in December", "source": "What do you use?"}
    )
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()
    assert topic.author == user and topic.slug == "shrinkage-in-december"
    post = topic.posts.get()
    assert post.position == 1 and post.html == "<p>What do you use?</p>\n"
    assert post.ip_address == "127.0.0.1"
    category.refresh_from_db()
    assert (category.topic_count, category.post_count) == (1, 1)


@pytest.mark.parametrize(
    "data, error",
    [
        ({"title": "", "source": "Body text"}, "This field is required."),
        ({"title": "Hey", "source": "Body text"}, "at least 5 characters"),
        ({"title": "x" * 151, "source": "Body text"}, "at most 150 characters"),
        ({"title": "A good title", "source": "   "}, "This field is required."),
        ({"title": "A good title", "source": "x" * 20001}, "at most 20000 characters"),
    ],
)
def test_bad_topics_get_a_clear_error_and_nothing_is_saved(user_client, data, error):
    category = CategoryFactory()
    response = user_client.post(new_topic_url(category), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Topic.objects.exists()


def test_visitors_are_sent_to_log_in_before_posting(client):
    category = CategoryFactory()
    response = client.post(new_topic_url(category), {"title": "Hello there", "source": "Hi"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    topic = TopicFactory()
    response = client.post(topic.get_absolute_url(), {"source": "A reply"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Post.objects.count() == 1


def test_unverified_members_cannot_post(client):
    member = UserFactory(verified=False)
    client.force_login(member)
    topic = TopicFactory()
    response = client.post(topic.get_absolute_url(), {"source": "Let me in"})
    assert "verify your email address" in response.content.decode()
    assert Post.objects.count() == 1
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    assert client.post(topic.get_absolute_url(), {"source": "Let me in"}).status_code == 302


def test_only_moderators_start_topics_in_announcements(user_client):
    category = CategoryFactory(announcements=True)
    assert user_client.get(new_topic_url(category)).status_code == 403
    response = user_client.post(new_topic_url(category), {"title": "Big news!", "source": "Hi"})
    assert response.status_code == 403


def test_reply_goes_to_the_foot_of_the_topic_and_updates_counts(user_client, user):
    topic = TopicFactory()
    response = user_client.post(topic.get_absolute_url(), {"source": "I agree **fully**."})
    post = Post.objects.get(author=user)
    assert response["Location"] == f"{topic.get_absolute_url()}?page=1#post-{post.pk}"
    topic.refresh_from_db()
    assert (topic.reply_count, topic.last_post, topic.last_position) == (1, post, 2)
    assert Category.objects.get(pk=topic.category_id).post_count == 2
    assert (
        "I agree <strong>fully</strong>."
        in user_client.get(topic.get_absolute_url()).content.decode()
    )


def test_reply_to_locked_or_hidden_topic_is_refused(user_client, moderator_client):
    locked = TopicFactory()
    Topic.objects.filter(pk=locked.pk).update(locked=True)
    assert user_client.post(locked.get_absolute_url(), {"source": "Hello?"}).status_code == 403
    page = user_client.get(locked.get_absolute_url()).content.decode()
    assert "closed to new replies" in page and 'name="source"' not in page
    hidden = TopicFactory()
    Topic.objects.filter(pk=hidden.pk).update(hidden=True)
    assert user_client.post(hidden.get_absolute_url(), {"source": "Hello?"}).status_code == 404
    assert moderator_client.post(hidden.get_absolute_url(), {"source": "Hi"}).status_code == 403
    assert Post.objects.count() == 2


def test_empty_reply_gets_a_form_error(user_client):
    topic = TopicFactory()
    response = user_client.post(topic.get_absolute_url(), {"source": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()


def test_topic_pages_hold_20_posts_and_link_to_a_posts_page(client):
    topic = TopicFactory()
    posts = [PostFactory(topic=topic) for _ in range(24)]
    page2 = client.get(topic.get_absolute_url() + "?page=2").content.decode()
    assert f'id="post-{posts[-1].pk}"' in page2 and f'id="post-{posts[0].pk}"' not in page2
    assert len(re.findall(r'<article class="post', page2)) == 5
    assert posts[-1].get_absolute_url().endswith(f"?page=2#post-{posts[-1].pk}")
    assert "Page 2 of 2" in client.get(topic.get_absolute_url() + "?page=7").content.decode()


def test_wrong_slug_redirects_to_the_topic(client):
    topic = TopicFactory(title="Real title here")
    response = client.get(reverse("topic", args=[topic.pk, "old-slug"]))
    assert response.status_code == 302 and response["Location"] == topic.get_absolute_url()


def test_quote_link_prefills_the_reply_box(user_client):
    post = PostFactory(source="Measure what matters.", author=UserFactory(username="carla"))
    page = user_client.get(post.topic.get_absolute_url() + f"?quote={post.pk}").content.decode()
    assert "&gt; @carla wrote:" in page and "&gt; Measure what matters." in page


def test_member_edits_own_post_and_the_edit_is_recorded(user_client, user):
    post = PostFactory(author=user, source="Frist")
    response = user_client.post(reverse("post_edit", args=[post.pk]), {"source": "First!"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.html == "<p>First!</p>\n" and post.edited_by == user and post.edited


def test_member_cannot_edit_someone_elses_post(user_client):
    post = PostFactory(source="Mine")
    response = user_client.post(reverse("post_edit", args=[post.pk]), {"source": "Yours now"})
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.source == "Mine"


def test_posting_is_rate_limited_per_member(user_client, settings):
    settings.FORUMS_POSTS_PER_MINUTE = 2
    topic = TopicFactory()
    for n in range(2):
        assert (
            user_client.post(topic.get_absolute_url(), {"source": f"Reply {n}"}).status_code == 302
        )
    response = user_client.post(topic.get_absolute_url(), {"source": "One too many"})
    assert "2 messages a minute" in response.content.decode()
    assert topic.posts.count() == 3


def test_profile_shows_public_fields_never_email_or_ip(client):
    member = UserFactory(
        username="amina", display_name="Amina Okafor", job_title="Planner", bio="I plan."
    )
    post = PostFactory(author=member, source="My reply about rotas")
    html = client.get("/u/amina/").content.decode()
    assert "Amina Okafor" in html and "Planner" in html and "I plan." in html
    assert "My reply about rotas" in html and "<dd>1</dd>" in html
    assert member.email not in html and post.ip_address not in html


def test_topic_page_never_shows_emails_or_ips(client):
    post = PostFactory()
    html = client.get(post.topic.get_absolute_url()).content.decode()
    assert post.author.email not in html and "198.51.100.7" not in html


def test_state_changes_need_post(user_client, moderator_client):
    post = PostFactory()
    assert (
        moderator_client.get(
            reverse("topic_moderate", args=[post.topic_id, post.topic.slug])
        ).status_code
        == 405
    )
    assert moderator_client.get(reverse("post_moderate", args=[post.pk])).status_code == 405


def test_visitors_pages_are_cached_until_the_forum_changes(
    user_client, django_capture_on_commit_callbacks, monkeypatch
):
    # The reply's notification task runs in-process rather than going to a broker.
    monkeypatch.setattr(notify_reply, "delay", notify_reply)
    client = Client()  # a visitor, beside the signed-in member
    topic = TopicFactory(source="Original words")
    assert "Original words" in client.get(topic.get_absolute_url()).content.decode()
    Post.objects.filter(topic=topic).update(html="<p>Changed behind the cache</p>")
    assert "Original words" in client.get(topic.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        user_client.post(topic.get_absolute_url(), {"source": "Fresh news"})
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Fresh news" in page and "Changed behind the cache" in page
    assert "1 reply" in client.get(topic.category.get_absolute_url()).content.decode()

"""Each page's SQL query count stays the same however much data there is (no N+1)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums import moderation, pagecache, reading, search

from ..factories import CategoryFactory, PostFactory, StaffFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(monkeypatch):
    """Measure the pages as rendered from the database, not from the shared page cache."""
    monkeypatch.setattr(pagecache, "shared_version", lambda request, key, *entries: None)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow_forum(categories=3, topics=4, replies=3):
    """Rows enough to expose an N+1: several categories, subcategories, authors, last posts."""
    made = []
    for _ in range(categories):
        category = CategoryFactory()
        CategoryFactory(parent=category)
        for _ in range(topics):
            topic = TopicFactory(category=category)
            for _ in range(replies):
                PostFactory(topic=topic, source="forecast and rota planning")
            made.append(topic)
    moderation.set_post_hidden(made[0].posts.last(), True, moderator=StaffFactory())
    return made


@pytest.fixture
def member_client(client):
    client.force_login(UserFactory())
    return client


@pytest.mark.parametrize("signed_in", [False, True])
def test_home_query_count_is_constant(
    client, member_client, signed_in, django_assert_max_num_queries
):
    c = member_client if signed_in else client
    grow_forum(categories=1, topics=1)
    c.get("/")  # first request of a session may do one-off work (terms check, session)
    few = queries(c, "/")
    grow_forum(categories=4)
    with django_assert_max_num_queries(few):
        c.get("/")


def test_category_page_query_count_is_constant(member_client, django_assert_max_num_queries):
    topics = grow_forum(categories=1, topics=2)
    url = topics[0].category.get_absolute_url()
    member_client.get(url)
    few = queries(member_client, url)
    for _ in range(20):
        PostFactory(topic=TopicFactory(category=topics[0].category))
    with django_assert_max_num_queries(few):
        member_client.get(url)


def test_topic_page_query_count_is_constant(member_client, django_assert_max_num_queries):
    topic = TopicFactory()
    url = topic.get_absolute_url()
    member_client.get(url)
    PostFactory(topic=topic)  # news to record as read, as in the bigger topic below
    few = queries(member_client, url)
    for _ in range(19):
        author = UserFactory(job_title="Planner", company="Acme")
        post = PostFactory(topic=topic, author=author)
    moderation.set_post_hidden(post, True, moderator=StaffFactory())
    with django_assert_max_num_queries(few):
        member_client.get(url)


def test_topic_page_for_moderators_query_count_is_constant(
    moderator_client, django_assert_max_num_queries
):
    topic = TopicFactory()
    url = topic.get_absolute_url()
    moderator_client.get(url)
    PostFactory(topic=topic)  # news to record as read, as in the bigger topic below
    few = queries(moderator_client, url)
    for _ in range(19):
        PostFactory(topic=topic)
    with django_assert_max_num_queries(few):
        moderator_client.get(url)


def test_profile_query_count_is_constant(client, django_assert_max_num_queries):
    member = UserFactory()
    PostFactory(author=member)
    url = f"/u/{member.username}/"
    few = queries(client, url)
    for topic in grow_forum(categories=1, topics=6, replies=1):
        PostFactory(topic=topic, author=member)
    with django_assert_max_num_queries(few):
        client.get(url)


def test_search_query_count_is_constant(client, django_assert_max_num_queries):
    PostFactory(source="forecast")
    few = queries(client, "/search/?q=forecast")
    grow_forum(categories=2)
    with django_assert_max_num_queries(few):
        client.get("/search/?q=forecast")


def forum_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return sum('"forums_' in query["sql"] for query in captured.captured_queries)


def test_forum_query_budgets_for_a_visitor(client):
    """The pages' own queries (the site header and cookie banner add their own)."""
    topics = grow_forum(categories=2, topics=3)
    member = topics[0].author
    # categories, subcategories, latest topics, their latest posters
    assert forum_queries(client, "/") == 4
    # every category's slug (once for them all), the category, subcategories, topics (no
    # COUNT(*)), their latest posters
    assert forum_queries(client, topics[0].category.get_absolute_url()) == 5
    # topic, posts, and the view count where there is no Redis to count it in
    assert forum_queries(client, topics[0].get_absolute_url()) == (2 if settings.REDIS_URL else 3)
    # the member's pk by their name (which the shared cache keeps), the member, count, posts
    assert forum_queries(client, f"/u/{member.username}/") == 4
    # PostgreSQL: newest id, recent matches, all matches (few here), ranking, the posts shown
    # with their headlines; SQLite: the ranked matches, the posts shown, their snippets. Both:
    # the categories the filter offers.
    assert forum_queries(client, "/search/?q=forecast") == (6 if search.uses_full_text() else 4)


WRITES = ("INSERT", "UPDATE", "DELETE")
DOCUMENTED_GET_WRITES = ('UPDATE "forums_topic" SET "view_count"',)  # the topic's views


def writes(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith(WRITES)]


def test_a_members_walk_through_the_forum_writes_nothing_but_the_view_count(client):
    topic = grow_forum(categories=1, topics=2)[0]
    member = UserFactory()
    PostFactory(topic=topic, author=member)
    client.force_login(member)
    pages = ["/", topic.category.get_absolute_url(), topic.get_absolute_url()]
    pages += [f"/u/{member.username}/", "/search/?q=forecast"]
    for url in pages:  # first visits: the session's terms check, the topic's first read
        client.get(url)
    for url in pages:
        unexpected = [
            sql for sql in writes(client, url) if not sql.startswith(DOCUMENTED_GET_WRITES)
        ]
        assert unexpected == [], url


def test_a_visit_is_recorded_once_an_hour_with_no_news(client):
    """The last visit, which retention counts from, kept to the hour (reading.VISIT_PRECISION)."""
    topic = TopicFactory()
    member = UserFactory()
    client.force_login(member)
    client.get(topic.get_absolute_url())
    earlier = timezone.now() - reading.VISIT_PRECISION - timedelta(minutes=1)
    member.topic_reads.update(updated=earlier)
    assert [sql for sql in writes(client, topic.get_absolute_url()) if "topicread" in sql]
    assert member.topic_reads.get().updated > earlier + reading.VISIT_PRECISION
    assert not [sql for sql in writes(client, topic.get_absolute_url()) if "topicread" in sql]


def test_news_in_a_topic_is_recorded_as_read_on_the_next_visit(client):
    topic = TopicFactory()
    member = UserFactory()
    client.force_login(member)
    client.get(topic.get_absolute_url())
    assert not [sql for sql in writes(client, topic.get_absolute_url()) if "topicread" in sql]
    PostFactory(topic=topic)
    assert [sql for sql in writes(client, topic.get_absolute_url()) if "topicread" in sql]
    assert member.topic_reads.get().last_read_position == 2


# A signed-in member's whole request, rendered afresh (as after a change to what the page shows):
# the user with their second-factor check in one query (the session comes from the cache), then
# the page's own queries; lists add the member's unread markers, the topic page its view count
# (where there is no Redis to count it in) and the unread marker (read with the reply-email
# switch, and written when there was news).
MEMBER_BUDGETS = {"home": 6, "category": 6, "topic": 6, "profile": 5}
# The same from the shared page cache (forums/pagecache.py), with nothing new for the member
# since their last view: no query (the member comes with their session, forums/sessions.py; a
# topic's, a category's and a profile's own row, and the member's unread markers and how far they
# read a topic, come from the cache too); a topic page's view count where there is no Redis to
# count it in.
MEMBER_CACHED_BUDGETS = {
    "home": 0,
    "category": 0,
    "topic": 0 if settings.REDIS_URL else 1,
    "profile": 0,  # their posts are counted once, not on every view
}


def member_pages(topic, member) -> dict[str, str]:
    return {
        "home": "/",
        "category": topic.category.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "profile": f"/u/{member.username}/",
    }


@pytest.mark.parametrize("page", sorted(MEMBER_BUDGETS))
def test_a_signed_in_members_pages_keep_their_budget_as_the_forum_grows(
    client, page, django_assert_max_num_queries
):
    topic = grow_forum(categories=1, topics=1, replies=1)[0]
    member = UserFactory()
    PostFactory(topic=topic, author=member)
    client.force_login(member)
    url = member_pages(topic, member)[page]
    client.get(url)  # the session's one-off terms check, the first read of the topic
    PostFactory(topic=topic)  # news since the last visit
    with django_assert_max_num_queries(MEMBER_BUDGETS[page]):
        assert client.get(url).status_code == 200
    grow_forum(categories=3, topics=4, replies=3)
    for _ in range(10):
        PostFactory(topic=topic, author=UserFactory(job_title="Planner", company="Acme"))
        PostFactory(topic=TopicFactory(category=topic.category), author=member)
    with django_assert_max_num_queries(MEMBER_BUDGETS[page]):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("page", sorted(MEMBER_CACHED_BUDGETS))
def test_a_signed_in_members_pages_come_from_the_shared_cache(
    client, page, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.undo()  # the shared cache back on
    topic = grow_forum(categories=2, topics=3, replies=3)[0]
    member = UserFactory()
    client.force_login(member)
    url = member_pages(topic, member)[page]
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)  # the first view renders and caches; terms checked, topic read
    client.get(url)  # how far they read, as the first view recorded it, asked and kept
    Client().get(url)  # a visitor's view of the same page
    assert queries(client, url) == MEMBER_CACHED_BUDGETS[page]

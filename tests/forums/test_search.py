import pytest

from forums import moderation
from forums.models import Topic

from ..factories import CategoryFactory, PostFactory, StaffFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_search_finds_posts_with_highlighted_snippets(client):
    post = PostFactory(source="We schedule agents using a rolling forecast model.")
    html = client.get("/search/", {"q": "forecast"}).content.decode()
    assert post.topic.title in html
    assert "<mark>forecast</mark>" in html
    assert f"#post-{post.pk}" in html


def test_search_snippets_cannot_inject_markup(client):
    PostFactory(source="forecast <script>alert(1)</script>")
    html = client.get("/search/", {"q": "forecast"}).content.decode()
    assert "<script>alert(1)" not in html
    assert "alert(1)" in html  # shown as text (escaped, or without the tag on PostgreSQL)


def test_hidden_posts_hidden_topics_and_staff_categories_never_appear(client, moderator_client):
    hidden_post = PostFactory(source="needle in a hidden post")
    moderation.set_post_hidden(hidden_post, True, moderator=StaffFactory())
    hidden_topic = TopicFactory(source="needle in a hidden topic")
    Topic.objects.filter(pk=hidden_topic.pk).update(hidden=True)
    TopicFactory(category=CategoryFactory(staff_only=True), source="needle in the back room")
    visible = PostFactory(source="needle in plain sight")
    html = client.get("/search/", {"q": "needle"}).content.decode()
    assert "plain sight" in html
    assert "hidden post" not in html and "hidden topic" not in html and "back room" not in html
    assert visible.topic.title in html
    staff_html = moderator_client.get("/search/", {"q": "needle"}).content.decode()
    assert "back room" in staff_html


@pytest.mark.parametrize("query", ["!!!", "???...", "   "])
def test_punctuation_only_or_empty_query_gets_a_message(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Type at least one word" in body or "This field is required." in body


def test_over_long_query_gets_a_message_not_an_error(client):
    response = client.get("/search/", {"q": "forecast " * 120})
    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()


def test_no_matches_says_so(client):
    PostFactory(source="Something else entirely")
    assert "No posts match" in client.get("/search/", {"q": "zebra"}).content.decode()


def test_full_text_search_matches_word_forms_and_ranks_titles_first(client):
    TopicFactory(title="Notes", source="We talked about schedules and breaks at length.")
    TopicFactory(title="Scheduling agents for Christmas", source="Any tips?")
    html = client.get("/search/", {"q": "scheduling"}).content.decode()
    assert html.index("Scheduling agents for Christmas") < html.index("Notes")


def test_edited_posts_are_reindexed(user_client, user):
    from forums.posting import edit_post

    post = PostFactory(author=user, source="old words")
    edit_post(post, editor=user, source="brand new vocabulary")
    assert "brand new" in user_client.get("/search/", {"q": "vocabulary"}).content.decode()
    assert "old words" not in user_client.get("/search/", {"q": "old"}).content.decode()

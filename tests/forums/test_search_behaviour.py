"""What search finds, the same on both databases (issue 16).

These run against whichever database DATABASE_URL names: PostgreSQL (tsvector, websearch) or
the embedded SQLite (FTS5 with the Porter stemmer). Run them both ways:

    DATABASE_URL=postgres://... pytest tests/forums/test_search_behaviour.py
    DATABASE_URL= pytest tests/forums/test_search_behaviour.py
"""

import re

import pytest
from django.contrib.auth.models import AnonymousUser

from forums import moderation, search
from forums.models import Post
from forums.posting import edit_post

from ..factories import CategoryFactory, PostFactory, StaffFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def found(query, **filters) -> list[int]:
    return [post.pk for post in search.search_posts(query, AnonymousUser(), **filters)]


def first_post(topic) -> Post:
    return topic.posts.get(position=1)


def results_page(client, **params) -> str:
    return client.get("/search/", params).content.decode()


def test_a_word_is_found_in_any_of_its_english_forms():
    coach = PostFactory(source="Our team leaders coach new starters every Friday.")
    cards = PostFactory(source="We rebuilt the quality scorecard from scratch.")
    assert found("coaching") == [coach.pk]
    assert found("scorecards") == [cards.pk]
    assert found("coached") == [coach.pk]


def test_every_word_must_be_there_in_any_order_not_as_a_phrase():
    both = PostFactory(source="Ownership matters. So does a little empathy on a hard call.")
    PostFactory(source="Empathy is the whole job.")
    assert found("empathy ownership") == [both.pk]


def test_quotes_ask_for_the_exact_phrase():
    phrase = PostFactory(source="We share the forecast with the floor every morning.")
    apart = PostFactory(source="The forecast is ours; we share nothing else.")
    assert found('"share the forecast"') == [phrase.pk]
    assert set(found("share forecast")) == {phrase.pk, apart.pk}


def test_common_words_are_ignored_like_on_postgresql():
    post = PostFactory(source="How we coach agents on tone.")
    assert found("how to coach") == found("coach") == [post.pk]
    assert found("how to the") == []


def test_minus_excludes_a_word_and_or_accepts_either():
    rota = PostFactory(source="Rota planning for the summer.")
    shifts = PostFactory(source="Shift swaps and planning.")
    PostFactory(source="Nothing relevant here.")
    assert found("planning -rota") == [shifts.pk]
    assert set(found("rota or shift")) == {rota.pk, shifts.pk}


def test_titles_are_searched_and_rank_above_the_text():
    in_text = TopicFactory(title="Notes from the meeting", source="We discussed shrinkage.")
    in_title = TopicFactory(title="Shrinkage for training days", source="Any numbers?")
    assert found("shrinkage") == [first_post(in_title).pk, first_post(in_text).pk]


def test_snippets_are_plain_text_with_the_words_marked(client):
    PostFactory(
        source="**Calibration** works when [the scorecard](https://example.org/x) is _shared_."
    )
    html = results_page(client, q="scorecard")
    snippet = html.split('class="snippet">', 1)[1].split("</p>", 1)[0]
    assert "<mark>scorecard</mark>" in snippet
    assert "**" not in snippet and "](" not in snippet and "_shared_" not in snippet
    assert "Calibration works when the" in snippet


def test_snippets_escape_what_the_post_shows_as_text(client):
    PostFactory(source="Tried <b>bold</b> & it showed as text, forecast too")
    html = results_page(client, q="forecast")
    snippet = html.split('class="snippet">', 1)[1].split("</p>", 1)[0]
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; it" in snippet and "<b>" not in snippet


def test_filter_by_category_takes_in_its_subcategories():
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent)
    elsewhere = CategoryFactory()
    in_parent = TopicFactory(category=parent, source="adherence targets")
    in_child = TopicFactory(category=child, source="adherence reports")
    TopicFactory(category=elsewhere, source="adherence elsewhere")
    assert set(found("adherence", category=parent)) == {
        first_post(in_parent).pk,
        first_post(in_child).pk,
    }
    assert found("adherence", category=child) == [first_post(in_child).pk]


def test_filter_by_author(client):
    amina = UserFactory(username="amina")
    mine = PostFactory(author=amina, source="Weekly forecast review")
    PostFactory(source="Another forecast")
    assert found("forecast", author="amina") == [mine.pk]
    assert found("forecast", author="AMINA") == [mine.pk]
    html = results_page(client, q="forecast", author="@amina")
    assert html.count('class="snippet"') == 1


def test_the_search_page_filters_and_offers_only_readable_categories(client):
    open_category = CategoryFactory(name="Rotas")
    CategoryFactory(name="Back room", staff_only=True)
    post = TopicFactory(category=open_category, source="forecast in the open")
    html = results_page(client, q="forecast", category=open_category.slug)
    assert f"#post-{first_post(post).pk}" in html
    assert "Rotas" in html and "Back room" not in html
    assert "Select a valid choice" in results_page(client, q="forecast", category="back-room")


def test_results_come_a_page_at_a_time_and_the_links_keep_the_query(client):
    topic = TopicFactory(title="Lots of replies", source="nothing to see")
    for n in range(search.PER_PAGE + 5):
        PostFactory(topic=topic, source=f"forecast number {n}")
    first = results_page(client, q="forecast", author="")
    assert first.count('class="snippet"') == search.PER_PAGE
    assert "page 1 of 2" in first
    link = re.search(r'href="(\?[^"]*page=2[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "q=forecast" in link
    second = client.get("/search/" + link).content.decode()
    assert second.count('class="snippet"') == 5 and "page 2 of 2" in second
    assert "page 2 of 2" in results_page(client, q="forecast", page="99")


def test_edits_deletions_and_hidden_posts_are_followed(user):
    post = PostFactory(author=user, source="old wording")
    edit_post(post, editor=user, source="brand new vocabulary")
    assert found("vocabulary") == [post.pk] and found("wording") == []
    moderation.set_post_hidden(post, True, moderator=StaffFactory())
    assert found("vocabulary") == []
    other = PostFactory(source="temporary thought")
    Post.objects.filter(pk=other.pk).delete()
    assert found("temporary") == []


def test_there_is_one_search_box_per_page(client):
    TopicFactory()
    for path in ("/", "/search/", "/search/?q=forecast"):
        html = client.get(path).content.decode()
        assert html.count('role="search"') == 1, path

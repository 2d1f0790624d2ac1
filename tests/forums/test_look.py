"""How the forum looks and reads (issue 16): faces drawn on the server, times in words with the
exact time at hand, counts that need no cookie, post numbers and permalinks, the icons browsers
ask for, and error pages in the site's layout."""

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.utils import timezone

from community.views import server_error
from forums import viewcounts
from forums.models import Category, Topic
from forums.posting import edit_post
from forums.templatetags.forum_tags import (
    _contrast_with_white,
    avatar,
    avatar_colour,
    initials,
    relative,
)

from ..factories import CategoryFactory, PostFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_favicon_and_manifest_are_served_where_browsers_look(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/x-icon"
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["name"] == "The Contact Centre Community" and data["start_url"] == "/"
    for icon in data["icons"]:  # static files: the test client does not serve them
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]
    assert 'rel="manifest"' in client.get("/").content.decode()


@pytest.mark.parametrize(
    "name, letters",
    [("Amina Okafor", "AO"), ("ben.h", "BH"), ("eva", "Ev"), ("carla_m", "CM"), ("", "?")],
)
def test_initials(name, letters):
    assert initials(name) == letters


def test_avatars_are_inline_svg_in_a_colour_fixed_by_the_id_and_readable():
    member = UserFactory.build(pk=7, display_name="Priya Shah")
    svg = avatar(member, 40)
    assert svg.startswith("<svg") and ">PS</text>" in svg
    assert "http" not in svg.replace('xmlns="http', "") and "gravatar" not in svg.lower()
    assert avatar_colour(7) == avatar_colour(7) != avatar_colour(8)
    for user_id in range(1, 400):
        assert _contrast_with_white(avatar_colour(user_id)) >= 4.5, user_id


def test_a_former_member_has_a_neutral_face():
    assert ">?</text>" in avatar(None)


@pytest.mark.parametrize(
    "ago, words",
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=3), "3 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(days=3), "3 days"),
    ],
)
def test_times_in_words(ago, words):
    now = timezone.make_aware(timezone.datetime(2026, 6, 17, 15, 0))
    assert relative(now - ago, now) == words


def test_yesterday_and_older_dates():
    now = timezone.make_aware(timezone.datetime(2026, 6, 17, 9, 0))
    assert relative(now - timedelta(hours=20), now) == "yesterday"
    assert relative(now - timedelta(days=40), now) == "8 May"
    assert relative(now - timedelta(days=400), now) == "May 2025"


def test_topic_list_shows_category_posters_replies_views_and_exact_times(client):
    category = CategoryFactory(colour="#2f855a")
    topic = TopicFactory(category=category, title="Forecasting a launch")
    replier = UserFactory(display_name="Ben Harris")
    PostFactory(topic=topic, author=replier)
    client.get(topic.get_absolute_url())
    viewcounts.flush_view_counts()
    html = client.get("/").content.decode()
    item = html.split("Forecasting a launch", 1)[1].split("</li>", 1)[0]
    assert 'fill="#2f855a"' in item and category.name in item
    assert 'aria-label="Ben Harris"' in item  # the latest poster's face, named
    assert "1 reply" in item and "1 view" in item
    exact = r'<time datetime="[^"]+" title="[A-Z][a-z]+day \d+ \w+ \d{4}, \d\d:\d\d">'
    assert re.search(exact, item)


def test_views_are_counted_without_cookies_and_crawlers_do_not_count(client):
    topic = TopicFactory()
    response = client.get(topic.get_absolute_url())
    assert set(response.cookies) <= {"csrftoken"}  # the banner's forms; nothing to count views
    Client(headers={"User-Agent": "Googlebot/2.1"}).get(topic.get_absolute_url())
    client.get(topic.get_absolute_url() + "?page=1")
    viewcounts.flush_view_counts()  # counted in Redis when the site has it
    assert Topic.objects.get(pk=topic.pk).view_count == 2


def test_topic_page_numbers_posts_links_each_and_names_job_and_company(client):
    author = UserFactory(display_name="Amina Okafor", job_title="Planner", company="Northwind")
    topic = TopicFactory(author=author)
    reply = PostFactory(topic=topic)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert f'href="{topic.get_absolute_url()}?page=1#post-{reply.pk}"' in html
    assert "#2</a>" in html and "Planner, Northwind" in html
    assert ">AO</text>" in html


def test_an_edit_shows_when_it_happened(client):
    post = PostFactory()
    edit_post(post, editor=post.author, source="Second thoughts")
    html = client.get(post.topic.get_absolute_url()).content.decode()
    edited = html.split('class="post-edited"', 1)[1].split("</p>", 1)[0]
    assert "Edited" in edited and "<time datetime=" in edited and "just now" in edited


def test_category_colours_are_checked():
    category = Category(name="Rotas", slug="rotas", colour="red; background:url(x)")
    with pytest.raises(ValidationError):
        category.full_clean()


def test_error_pages_are_in_the_sites_layout(client, settings):
    html = client.get("/no-such-page/").content.decode()
    assert "We couldn't find that page" in html and 'class="site-header"' in html
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500 and 'class="site-header"' in page
    assert settings.SITE_NAME in page and "Traceback" not in page


def test_links_to_sign_in_return_to_the_page(client):
    topic = TopicFactory()
    html = client.get(topic.get_absolute_url()).content.decode()
    assert f'href="/accounts/login/?next={topic.get_absolute_url()}"' in html
    assert f'href="/accounts/signup/?next={topic.get_absolute_url()}"' in html

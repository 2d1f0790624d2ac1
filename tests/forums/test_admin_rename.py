import pytest

from forums.models import Post, Topic
from forums.search import search_posts

from ..factories import TopicFactory

pytestmark = pytest.mark.django_db


def test_a_title_edited_in_the_admin_updates_the_slug_and_the_search_index(staff_client, user):
    topic = TopicFactory(title="Old name")
    response = staff_client.post(
        f"/admin/forums/topic/{topic.pk}/change/", {"title": "Shrinkage planning"}
    )
    assert response.status_code == 302
    topic = Topic.objects.get(pk=topic.pk)
    assert (topic.title, topic.slug) == ("Shrinkage planning", "shrinkage-planning")
    first_post = Post.objects.get(topic=topic, position=1)
    assert [post.pk for post in search_posts("shrinkage", user)] == [first_post.pk]

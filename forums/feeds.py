"""Atom feeds of the latest topics, of a category's topics and of a topic's posts.

A feed is for anybody's feed reader, and its address gets shared: it shows only what a visitor
sees, whoever asks for it, and no author names (copies kept by feed readers are out of reach of
an erasure).
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Category, Post, Topic

ITEMS = 30
VISITOR = AnonymousUser()


def newest(topics):
    return topics.select_related("category").order_by("-created")[:ITEMS]


class TopicsFeed(Feed):
    """The newest topics the forum shows visitors."""

    feed_type = Atom1Feed
    title = "Latest topics"
    subtitle = "New topics in the community, newest first."

    def link(self):
        return reverse("home")

    def items(self):
        return newest(Topic.objects.visible_to(VISITOR))

    def item_title(self, topic):
        return topic.title

    def item_description(self, topic):
        return f"A new topic in {topic.category.name}."

    def item_pubdate(self, topic):
        return topic.created

    def item_categories(self, topic):
        return [topic.category.name]


class CategoryFeed(TopicsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Category.objects.visible_to(VISITOR), slug=slug)

    def title(self, category):
        return f"{category.name}: latest topics"

    def subtitle(self, category):
        return category.description

    def link(self, category):
        return category.get_absolute_url()

    def items(self, category):
        return newest(Topic.objects.visible_to(VISITOR).filter(category=category))


class TopicFeed(Feed):
    """A topic's newest posts."""

    feed_type = Atom1Feed

    def get_object(self, request, pk, slug):
        return get_object_or_404(Topic.objects.visible_to(VISITOR), pk=pk)

    def title(self, topic):
        return topic.title

    def link(self, topic):
        return topic.get_absolute_url()

    def subtitle(self, topic):
        return f"The newest posts in “{topic.title}”."

    def items(self, topic):
        posts = Post.objects.visible_to(VISITOR).filter(topic=topic).select_related("topic")
        return posts.order_by("-position")[:ITEMS]

    def item_title(self, post):
        return f"#{post.position} in {post.topic.title}"

    def item_description(self, post):
        return post.html  # rendered and sanitised when the post was saved

    def item_pubdate(self, post):
        return post.created

    def item_updateddate(self, post):
        return post.edited or post.created

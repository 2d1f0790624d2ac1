"""Query rules the forum pages share: who sees what, and what each list needs joined."""

from django.db import models


def can_moderate(user) -> bool:
    """Moderators (the Moderators group) and superusers may pin, lock, hide and move, once they
    have a second factor (``User.has_perm``, P7)."""
    return user.is_authenticated and user.has_perm("forums.change_topic")


class CategoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if can_moderate(user) else self.filter(staff_only=False)

    def with_last_post(self):
        return self.select_related("last_post__topic", "last_post__author")


class TopicQuerySet(models.QuerySet):
    def visible_to(self, user):
        if can_moderate(user):
            return self
        return self.filter(hidden=False, category__staff_only=False)

    def for_listing(self):
        return self.select_related("author", "last_post__author")


class PostQuerySet(models.QuerySet):
    def visible_to(self, user):
        if can_moderate(user):
            return self
        return self.filter(hidden=False, topic__hidden=False, topic__category__staff_only=False)

    def for_topic_page(self):
        return self.select_related("author", "edited_by")

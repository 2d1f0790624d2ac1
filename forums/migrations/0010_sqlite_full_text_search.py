"""Full-text search on SQLite (the embedded default): an FTS5 table of each post's plain text,
with the topic's title beside a first post (forums.search). PostgreSQL keeps its tsvector
column and GIN index and needs nothing here."""

import html
import re

from django.db import migrations
from django.utils.html import strip_tags

CREATE = """
    CREATE VIRTUAL TABLE IF NOT EXISTS forums_post_fts USING fts5(
        title, body, tokenize = 'porter unicode61 remove_diacritics 2'
    )
"""


def create_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    Post = apps.get_model("forums", "Post")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(CREATE)
        last = 0
        while True:
            rows = list(
                Post.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "position", "topic__title", "html")[:2000]
            )
            if not rows:
                break
            cursor.executemany(
                "INSERT INTO forums_post_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [
                    (
                        pk,
                        title if position == 1 else "",
                        re.sub(r"\s+", " ", html.unescape(strip_tags(rendered))).strip(),
                    )
                    for pk, position, title, rendered in rows
                ],
            )
            last = rows[-1][0]


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS forums_post_fts")


class Migration(migrations.Migration):
    dependencies = [("forums", "0009_category_colours_and_topic_views")]

    operations = [migrations.RunPython(create_and_fill, drop)]

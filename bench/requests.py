"""Data-request benchmark: export and erase a member with 20,000 posts on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres community_requests_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/community_requests_bench \\
    .venv/bin/python bench/requests.py [--posts 20000]

For each run it makes fresh members with --posts posts spread over 100 topics (bulk inserted),
then prints:
- the export: time to build the ZIP through the real task code, the Python heap's peak during it
  (tracemalloc) and the process's peak resident memory, and the ZIP's size;
- the erasure, once keeping the posts as a former member's and once deleting them: its time, and
  the slowest of the replies another member posts in the same topics meanwhile (a thread posting
  every 50 ms), which shows how long erasure holds locks others wait for.
Targets (issue 6): export under 10 s and 200 MB; erasure under 10 s, others' posting never
blocked for more than a second. Deleting posts goes through forums' eraser
(forums.posting.delete_posts: batches of 1,000, each topic and category recounted once at the
end). Only point it at a database made for it.
"""

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
os.environ.setdefault("DEBUG", "1")  # a developer's machine, as under `make run`
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.storage import FileSystemStorage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils import timezone  # noqa: E402

from forums.models import Category, Post, Topic, User  # noqa: E402
from forums.posting import reply, start_topic  # noqa: E402
from privacy.models import DataExport, DataRequest  # noqa: E402
from privacy.requests import state  # noqa: E402
from privacy.requests.erasure import erase  # noqa: E402
from privacy.requests.export import build_export  # noqa: E402

TOPICS = 100


def make_member(name: str, posts: int, category: Category) -> tuple[User, list[Topic]]:
    """A member with `posts` posts over TOPICS topics they started, bulk inserted."""
    member = User.objects.create_user(name, f"{name}@example.org", "bench-password-123")
    topics = [
        start_topic(
            category=category,
            author=member,
            title=f"{name} topic {n}",
            source="First post.",
            ip_address="203.0.113.9",
        )
        for n in range(TOPICS)
    ]
    per_topic = posts // TOPICS - 1
    now = timezone.now()
    rows = [
        Post(
            topic=topic,
            author=member,
            position=position,
            source=f"Reply {position} about rotas and service levels. " * 4,
            html=f"<p>Reply {position} about rotas and service levels.</p>" * 4,
            created=now,
            ip_address="203.0.113.9",
        )
        for topic in topics
        for position in range(2, per_topic + 2)
    ]
    Post.objects.bulk_create(rows, batch_size=2000)
    Topic.objects.filter(pk__in=[t.pk for t in topics]).update(
        last_position=per_topic + 1, reply_count=per_topic
    )
    Category.objects.filter(pk=category.pk).update(post_count=F("post_count") + len(rows))
    return member, topics


def build_one_export(member: User) -> DataExport:
    with transaction.atomic():
        request = state.create(kind=DataRequest.Kind.ACCESS, user=member)
    export = request.exports.get()
    build_export(export.pk)
    export.refresh_from_db()
    return export


def bench_export(member: User) -> None:
    """Timed without tracing; then again under tracemalloc (which slows Python down) for the
    heap's peak."""
    started = time.perf_counter()
    export = build_one_export(member)
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    build_one_export(member)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"export: {seconds:.2f} s, process peak RSS {rss:.0f} MB, Python heap peak "
        f"{peak / 2**20:.1f} MB, ZIP {export.size / 2**20:.1f} MB"
    )


class Poster(threading.Thread):
    """Another member replying in the erased member's topics every 50 ms."""

    def __init__(self, author: User, topics: list[Topic]):
        super().__init__(daemon=True)
        self.author, self.topics = author, topics
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def run(self):
        n = 0
        while not self.stop.is_set():
            topic = Topic.objects.filter(pk=self.topics[n % len(self.topics)].pk).first()
            if topic is None:  # the erased member's topic is gone with their posts
                n += 1
                continue
            started = time.perf_counter()
            try:
                reply(topic=topic, author=self.author, source=f"Meanwhile {n}", ip_address=None)
            except Topic.DoesNotExist:  # deleted with the erased member's posts meanwhile
                continue
            except DatabaseError as error:  # a deadlock is a reply lost: report it
                self.errors.append(str(error).splitlines()[0])
            self.latencies.append(time.perf_counter() - started)
            n += 1
            time.sleep(0.05)
        connection.close()


def bench_erasure(member: User, topics: list[Topic], other: User, keep_posts: bool) -> None:
    with transaction.atomic():
        request = state.create(kind=DataRequest.Kind.ERASURE, user=member, keep_posts=keep_posts)
    poster = Poster(other, topics)
    poster.start()
    time.sleep(0.5)
    started = time.perf_counter()
    try:
        erase(request.pk)
    except DatabaseError as error:  # rolled back whole; the sweep would run it again
        print(f"erasure failed and rolled back: {str(error).splitlines()[0]}")
    seconds = time.perf_counter() - started
    time.sleep(0.5)
    poster.stop.set()
    poster.join()
    how = "keeping posts" if keep_posts else "deleting posts"
    print(
        f"erasure ({how}): {seconds:.2f} s; {len(poster.latencies)} replies by another member "
        f"meanwhile, slowest {max(poster.latencies) * 1000:.0f} ms, failed {len(poster.errors)}"
        + (f" ({poster.errors[0]})" if poster.errors else "")
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=20_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database made for this benchmark.")
    call_command("migrate", verbosity=0)
    storage = FileSystemStorage(location=tempfile.mkdtemp(prefix="bench-exports-"))
    DataExport._meta.get_field("file").storage = storage
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run = int(time.time())
    category = Category.objects.create(name=f"Bench {run}", slug=f"bench-{run}")
    other = User.objects.create_user(f"other{run}", f"other{run}@example.org", "x-password-123")
    for label, action, posts in [
        ("export", None, args.posts),
        ("keep", True, args.posts),
        ("delete", False, args.posts),
    ]:
        member, topics = make_member(f"bench{label}{run}", posts, category)
        print(f"{member.username}: {Post.objects.filter(author=member).count()} posts")
        if action is None:
            bench_export(member)
        else:
            bench_erasure(member, topics, other, keep_posts=action)


if __name__ == "__main__":
    main()

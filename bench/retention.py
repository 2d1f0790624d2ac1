"""Retention job benchmark (P17): how long enforcing takes on PostgreSQL, and whether members
replying at the same time have to wait.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/community_retention \\
    .venv/bin/python bench/retention.py [--scale 1]

At --scale 1 it seeds 1,000,000 expired rows, half of them posts whose IP address is past its
90 days and half sign-in records past their 12 months, among 1,000,000 live ones (recent posts
and sign-ins, with IP addresses), with set-based INSERT ... SELECT generate_series. It then runs
the whole retention job (`privacy.retention.job.enforce()`, every rule) while a second connection
replies to topics and edits posts in a loop, and prints the time, rows per second, the peak
memory of the process and the longest time one of those concurrent writes waited.
Targets (issue 7): under 60 s for the million, under 200 MB, no write waiting over 1 s.
Only ever point it at a database made for it: it empties the forum and sign-in tables first.
"""

import argparse
import os
import resource
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
os.environ.setdefault("DEBUG", "1")  # a developer's machine, as under `make run`
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from forums.models import Category, User  # noqa: E402
from privacy.models import JobLock  # noqa: E402
from privacy.retention import job  # noqa: E402

POSTS_PER_TOPIC = 100


def seed(expired: int) -> None:
    """`expired` rows past their period (posts' IPs and sign-ins, half each) and as many live."""
    half = expired // 2
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE forums_post, forums_topic, forums_category, forums_signin, "
            "privacy_retentionrun, privacy_joblock CASCADE"
        )
    category = Category.objects.create(name="Bench", slug="bench")
    member, _ = User.objects.get_or_create(username="bench", defaults={"email": "b@example.org"})
    topics = -(-2 * half // POSTS_PER_TOPIC)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO forums_topic (category_id, author_id, title, slug, created, last_activity,
                pinned, locked, hidden, reply_count, last_position)
            SELECT %s, %s, 'Topic ' || g, 'topic-' || g, now(), now(), false, false, false,
                %s - 1, %s
            FROM generate_series(1, %s) g
            """,
            [category.pk, member.pk, POSTS_PER_TOPIC, POSTS_PER_TOPIC, topics],
        )
        # Posts: the first half 100 to 400 days old (IP address expired), the rest recent.
        cursor.execute(
            """
            INSERT INTO forums_post (topic_id, author_id, position, source, html, created, hidden,
                ip_address)
            SELECT t.id, %s, p, 'A reply about rotas.', '<p>A reply about rotas.</p>',
                CASE WHEN n <= %s THEN now() - interval '100 days' - (n %% 300) * interval '1 day'
                     ELSE now() - (n %% 80) * interval '1 day' END,
                false, ('10.' || (n / 65536 %% 256) || '.' || (n / 256 %% 256) || '.'
                        || (n %% 256))::inet
            FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM forums_topic) t,
                 generate_series(1, %s) p,
                 LATERAL (SELECT t.k * %s + p AS n) numbered
            WHERE n <= %s
            """,
            [member.pk, half, POSTS_PER_TOPIC, POSTS_PER_TOPIC, 2 * half],
        )
        # Sign-ins: half older than 12 months (their IP cleared by earlier runs), half recent.
        cursor.execute(
            """
            INSERT INTO forums_signin (user_id, created, ip_address, user_agent)
            SELECT %s,
                CASE WHEN n <= %s THEN now() - interval '370 days' - (n %% 300) * interval '1 day'
                     ELSE now() - (n %% 80) * interval '1 day' END,
                CASE WHEN n <= %s THEN NULL ELSE '192.0.2.1'::inet END,
                'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0'
            FROM generate_series(1, %s) n
            """,
            [member.pk, half, half, 2 * half],
        )
        cursor.execute("ANALYZE forums_post; ANALYZE forums_signin; ANALYZE forums_topic")


class Replier(threading.Thread):
    """A member replying and editing in a loop on its own connection; records each wait."""

    def __init__(self):
        super().__init__(daemon=True)
        self.running = True
        self.waits = []

    def run(self):
        with connection.cursor() as cursor:  # this thread's own connection
            cursor.execute("SELECT min(id), max(id), max(topic_id) FROM forums_post")
            first, last, topic = cursor.fetchone()
            position, step = 10_000, 0
            while self.running:
                position += 1
                step += 1
                target = first + (step * 7919) % (last - first)  # spread over old and new
                started = time.perf_counter()
                cursor.execute(
                    "INSERT INTO forums_post (topic_id, position, source, html, created, hidden,"
                    " ip_address) VALUES (%s, %s, 'Me too.', '<p>Me too.</p>', now(), false,"
                    " '203.0.113.9')",
                    [topic, position],
                )
                cursor.execute("UPDATE forums_post SET edited = now() WHERE id = %s", [target])
                self.waits.append(time.perf_counter() - started)
                time.sleep(0.01)
        connections.close_all()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = a million expired rows")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database made for this benchmark.")
    expired = int(1_000_000 * options.scale)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed(expired)
    print(
        f"seeded {expired:,} expired and {expired:,} live rows in "
        f"{time.perf_counter() - started:.0f} s"
    )

    replier = Replier()
    replier.start()
    time.sleep(1)
    started = time.perf_counter()
    runs = job.enforce()
    elapsed = time.perf_counter() - started
    replier.running = False
    replier.join()

    changed = sum(run.changed for run in runs)
    for run in runs:
        if run.matched or run.error:
            seconds = (run.finished - run.started).total_seconds()
            print(f"  {run.rule:<24} {run.changed:>9,} rows in {seconds:6.1f} s {run.error}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    waits = sorted(replier.waits)
    print(
        f"enforced every rule in {elapsed:.1f} s: {changed:,} rows changed, "
        f"{changed / elapsed:,.0f} rows/s"
    )
    print(f"peak memory (max RSS of this process): {peak_mb:.0f} MB")
    print(
        f"concurrent replies: {len(waits)}, median wait {waits[len(waits) // 2] * 1000:.0f} ms, "
        f"longest {waits[-1] * 1000:.0f} ms"
    )
    JobLock.objects.all().delete()


if __name__ == "__main__":
    main()

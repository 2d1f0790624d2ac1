"""Forum speed benchmark: seeds PostgreSQL, times the pages, measures requests per second.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/community_forums_bench \\
    REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python bench/forums.py [--scale 0.1]

At --scale 1 it holds 10,000 members, 100,000 topics and 1,000,000 posts (one topic of 5,000
posts, the rest spread evenly), written with set-based INSERT ... SELECT generate_series, so
seeding takes minutes. The data is kept: a second run at the same scale seeds nothing.
It then prints the median and p95 server time of each page (in-process, 60 requests each) and the
requests per second of a category page and a topic page under gunicorn with 2 sync workers,
measured with `wrk -t2 -c8 -d20s` after a 5-second warm-up. Everything runs with the production
settings (DEBUG off, persistent database connections with health checks, Redis cache).
Needs wrk (apt-get install wrk). Only ever point it at a database made for it: it empties the
forum tables before seeding.
"""

import argparse
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Production settings, as a deployment would have them.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",  # no TLS terminator in front of gunicorn here
    "CONN_MAX_AGE": "600",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(PRODUCTION_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from forums import search  # noqa: E402
from forums.models import TOPICS_PER_PAGE, Category, Post, Topic, User  # noqa: E402
from forums.posting import reply  # noqa: E402

BIG_TOPIC_POSTS = 5000
CATEGORIES = 10
GUNICORN_PORT = 8811
CEILING_PORT = 8812
WORDS = (
    "forecast rota schedule shrinkage adherence coaching quality calibration agent team leader "
    "queue chat email voice customer complaint resolution handle time abandon service level "
    "occupancy training onboarding attrition wellbeing overtime holiday peak christmas launch "
    "script knowledge base bot transfer callback survey satisfaction empathy escalation "
    "dashboard report metric target bonus shift break lunch meeting huddle feedback review"
).split()


def seed(scale: float) -> None:
    members = max(int(10_000 * scale), 10)
    topics = max(int(100_000 * scale), 100)
    posts = max(int(1_000_000 * scale), 1000) + BIG_TOPIC_POSTS
    if (
        User.objects.count() == members
        and Topic.objects.count() == topics
        and Post.objects.count() == posts
    ):
        print(f"Data already seeded: {members} members, {topics} topics, {posts} posts.")
        return
    print(f"Seeding {members} members, {topics} topics, {posts} posts...", flush=True)
    words = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
    n_words = len(WORDS)
    regular = posts - BIG_TOPIC_POSTS
    steps = [
        (
            "empty the forum tables",
            "TRUNCATE forums_post, forums_topic, forums_category, forums_topicparticipant, "
            "forums_report, forums_moderationaction, forums_signin, forums_user "
            "RESTART IDENTITY CASCADE",
        ),
        ("drop the search index while loading", "DROP INDEX IF EXISTS post_search"),
        (
            "members",
            f"""INSERT INTO forums_user (password, is_superuser, username, is_staff, is_active,
                date_joined, email, display_name, job_title, company, location, bio,
                notify_replies, notify_mentions)
            SELECT '!', false, 'bench' || i, false, true, now() - i * interval '1 hour',
                'bench' || i || '@example.org', 'Bench Member ' || i, 'Team leader',
                'Bench Ltd', 'Leeds', 'I run a team of twelve agents.', true, true
            FROM generate_series(1::bigint, {members}) AS i""",
        ),
        (
            "categories",
            f"""INSERT INTO forums_category (name, slug, description, position, staff_only,
                announcements, topic_count, post_count, colour)
            SELECT 'Category ' || i, 'bench-' || i, 'A benchmark category', i, false, false, 0, 0,
                '#1f6feb'
            FROM generate_series(1, {CATEGORIES}) AS i""",
        ),
        (
            "topics",
            f"""INSERT INTO forums_topic (category_id, title, slug, author_id, created,
                last_activity, pinned, locked, hidden, reply_count, last_position, view_count)
            SELECT 1 + i % {CATEGORIES},
                'Topic ' || i || ' about ' || ({words})[1 + i % {n_words}] || ' and '
                    || ({words})[1 + (i * 7) % {n_words}],
                'topic-' || i, 1 + (i * 7919) % {members},
                now() - interval '400 days' + i * interval '1 minute', now(),
                i % 500 = 0, false, false, 0, 0, 0
            FROM generate_series(1::bigint, {topics}) AS i""",
        ),
        (
            "the 5,000-post topic",
            f"""INSERT INTO forums_post (topic_id, author_id, position, source, html, created,
                hidden)
            SELECT 1, 1 + (i * 13) % {members}, i, s, '<p>' || s || '</p>',
                now() - interval '300 days' + i * interval '1 minute', false
            FROM (SELECT i, 'Long thread reply ' || i || ': ' || ({words})[1 + i % {n_words}]
                    || ' ' || ({words})[1 + (i * 3) % {n_words}] AS s
                  FROM generate_series(1::bigint, {BIG_TOPIC_POSTS}) AS i) AS g""",
        ),
        (
            "posts",
            f"""INSERT INTO forums_post (topic_id, author_id, position, source, html, created,
                hidden)
            SELECT 2 + i % ({topics} - 1), 1 + (i * 7919) % {members}, i / ({topics} - 1) + 1,
                s, '<p>' || s || '</p>',
                now() - interval '400 days' + i * (interval '400 days' / {regular}), false
            FROM (SELECT i,
                    ({words})[1 + i % {n_words}] || ' ' || ({words})[1 + (i * 7) % {n_words}]
                    || ' ' || ({words})[1 + (i * 13) % {n_words}] || ' in our centre, '
                    || ({words})[1 + (i * 17) % {n_words}] || ' and '
                    || ({words})[1 + (i * 31) % {n_words}] || ' matter most. '
                    || CASE WHEN i % 1000 = 0 THEN 'zebra ' ELSE '' END
                    || 'Post ' || i || '.' AS s
                  FROM generate_series(0::bigint, {regular} - 1) AS i) AS g""",
        ),
        (
            "search vectors",
            f"""UPDATE forums_post SET search_vector =
                setweight(to_tsvector('{search.CONFIG}', source), 'B')""",
        ),
        (
            "titles in the first posts' search vectors",
            search._INDEX_SQL.format(where="p.position = 1") % {"config": f"'{search.CONFIG}'"},
        ),
        (
            "the search index",
            "CREATE INDEX post_search ON forums_post USING gin (search_vector)",
        ),
        (
            "topic counters",
            """UPDATE forums_topic AS t SET reply_count = c.n - 1, last_position = c.top,
                last_post_id = c.last_id, last_activity = c.last_created
            FROM (SELECT topic_id, count(*) AS n, max(position) AS top, max(id) AS last_id,
                    max(created) AS last_created
                  FROM forums_post GROUP BY topic_id) AS c
            WHERE t.id = c.topic_id""",
        ),
        (
            "category counters",
            """UPDATE forums_category AS k SET topic_count = c.n, post_count = c.posts,
                last_post_id = c.last_id
            FROM (SELECT category_id, count(*) AS n, sum(reply_count + 1) AS posts,
                    max(last_post_id) AS last_id
                  FROM forums_topic GROUP BY category_id) AS c
            WHERE k.id = c.category_id""",
        ),
        (
            "participants",
            """INSERT INTO forums_topicparticipant (topic_id, user_id, emailed)
            SELECT DISTINCT topic_id, author_id, false FROM forums_post""",
        ),
        ("statistics", "VACUUM ANALYZE"),
    ]
    for label, sql in steps:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql)
        print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)


def pages() -> dict[str, str]:
    category = Category.objects.get(slug="bench-2")
    deep = max(1, int(category.topic_count / TOPICS_PER_PAGE * 0.8))
    big = Topic.objects.get(pk=1)
    regular = Topic.objects.get(pk=2)
    return {
        "home": "/",
        "category page 1": category.get_absolute_url(),
        f"category page {deep} (deep)": f"{category.get_absolute_url()}?page={deep}",
        "topic (10 posts)": regular.get_absolute_url(),
        "5,000-post topic, first page": big.get_absolute_url(),
        "5,000-post topic, last page": (f"{big.get_absolute_url()}?page={big.page_count}"),
        "profile": "/u/bench2/",
        "search 'zebra' (rare)": "/search/?q=zebra",
        "search 'forecast' (common)": "/search/?q=forecast",
        "search 'coaching feedback'": "/search/?q=coaching+feedback",
        "baseline: terms page (privacy app)": "/privacy/terms/",
    }


def time_pages(requests: int) -> None:
    client = Client()
    print(f"\nServer time per page, in-process, {requests} requests each (ms):")
    print(f"  {'page':40} {'median':>8} {'p95':>8}")
    for name, url in pages().items():
        for _ in range(3):  # warm caches and connections
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"  {name:40} {statistics.median(times):8.1f} {p95:8.1f}", flush=True)


SHARE_PAGES = (
    "home",
    "category page 1",
    "topic (10 posts)",
    "5,000-post topic, last page",
    "profile",
)
BUSY_REPLIES_PER_SECOND = 2
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0 Safari/537.36"
)


def member_cookies() -> str:
    """The Cookie header of a signed-in member who has chosen their cookies: what a returning
    member's browser sends. (Seeded members never accepted terms through the site, so they are
    not asked to.)"""
    member = User.objects.get(username="bench3")
    client = Client()
    client.force_login(member)
    response = client.post(reverse("cookie_consent_accept"), {"all_groups": "on"})
    assert response.status_code in (200, 302), response.status_code
    assert client.get("/").status_code == 200
    return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())


def poster(stop: threading.Event, avoid: set[int], replies: list) -> None:
    """Members replying in other topics, BUSY_REPLIES_PER_SECOND times a second, through the same
    code as the reply form (counters, search index, notifications queued after commit)."""
    authors = list(User.objects.filter(username__startswith="bench").values_list("pk")[:50])
    topics = list(
        Topic.objects.exclude(pk__in=avoid).order_by("?").values_list("pk", flat=True)[:500]
    )
    rng = random.Random(17)
    while not stop.is_set():
        started = time.perf_counter()
        topic = Topic.objects.get(pk=rng.choice(topics))
        with transaction.atomic():
            reply(
                topic=topic,
                author=User.objects.get(pk=rng.choice(authors)[0]),
                source=f"Busy forum reply: {rng.choice(WORDS)} and {rng.choice(WORDS)}.",
                ip_address="192.0.2.1",
            )
        replies.append((time.perf_counter() - started) * 1000)
        stop.wait(max(0.0, 1 / BUSY_REPLIES_PER_SECOND - (time.perf_counter() - started)))
    connection.close()


def wrk(url: str, seconds: int, cookie: str = "") -> tuple[float, str]:
    """Requests per second and median latency; every request as a browser sends it (a page view
    with no User-Agent is not counted, which would flatter the figures)."""
    headers = ["-H", f"User-Agent: {BROWSER}"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    command = ["wrk", "-t2", "-c8", *headers, "--latency", url]
    subprocess.run([*command, "-d2s"], capture_output=True)  # warm-up
    out = subprocess.run([*command, f"-d{seconds}s"], capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    if errors := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        sys.exit(f"{url}: {errors.group(1)} responses were not 2xx or 3xx")
    return rps, re.search(r"\n\s+50%\s+(\S+)", out).group(1)


def gunicorn(app: str, port: int, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            app,
            *extra,
            "--workers=2",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            # Nothing here uses gunicorn's control socket, and the two servers started together
            # would both try to create it at its one default path.
            "--no-control-socket",
        ],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV},
    )


def shares(seconds: int, only: list[str]) -> None:
    """Requests per second of each page for a visitor, a signed-in member and a visitor while
    members post, each as a share of the bare Django page's, measured just before it."""
    servers = [
        gunicorn("community.wsgi:application", GUNICORN_PORT),
        gunicorn("ceiling:application", CEILING_PORT, "--pythonpath", str(ROOT / "bench")),
    ]
    try:
        time.sleep(4)
        urls = pages()
        cookie = member_cookies()
        ceiling_url = f"http://127.0.0.1:{CEILING_PORT}/"
        print(
            f"\nRequests per second, gunicorn 2 sync workers, wrk -t2 -c8 -d{seconds}s, "
            f"load average {os.getloadavg()[0]:.2f} at the start:"
        )
        print(f"  {'page':30} {'req/s':>8} {'latency':>9} {'share':>7}  who")
        ceilings = []
        for name in only or SHARE_PAGES:
            url = f"http://127.0.0.1:{GUNICORN_PORT}{urls[name]}"
            ceiling, latency = wrk(ceiling_url, seconds)
            ceilings.append(ceiling)
            print(f"  {'bare Django page (ceiling)':30} {ceiling:8.1f} {latency:>9}")
            for who, rps, latency in page_runs(url, seconds, cookie, pages_topics(urls[name])):
                print(
                    f"  {name:30} {rps:8.1f} {latency:>9} {rps / ceiling:7.1%}  {who}",
                    flush=True,
                )
        print(
            f"  ceiling runs: {', '.join(f'{c:.0f}' for c in ceilings)}; load average "
            f"{os.getloadavg()[0]:.2f} at the end"
        )
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


def page_runs(url: str, seconds: int, cookie: str, topic: int):
    """The page's requests per second for a visitor, a signed-in member, and a visitor while
    members reply in other topics."""
    yield ("visitor", *wrk(url, seconds))
    yield ("signed-in member", *wrk(url, seconds, cookie))
    stop, replies = threading.Event(), []
    busy = threading.Thread(target=poster, args=(stop, {topic}, replies))
    busy.start()
    try:
        rps, latency = wrk(url, seconds)
    finally:
        stop.set()
        busy.join()
    replies.sort()
    yield (
        f"visitor, {len(replies)} replies meanwhile (reply server time median "
        f"{statistics.median(replies):.0f} ms, slowest {replies[-1]:.0f} ms)",
        rps,
        latency,
    )


def pages_topics(url: str) -> int:
    """The topic a page shows (0 for other pages), which the busy forum's replies avoid."""
    match = re.match(r"/t/(\d+)/", url)
    return int(match.group(1)) if match else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1,000,000 posts")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--no-wrk", action="store_true", help="only the per-page timings")
    parser.add_argument(
        "--page", action="append", choices=SHARE_PAGES, help="measure only these pages' shares"
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database made for the benchmark.")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # DEBUG off serves the manifest
    seed(args.scale)
    time_pages(args.requests)
    if not args.no_wrk:
        shares(args.wrk_seconds, args.page)


if __name__ == "__main__":
    main()

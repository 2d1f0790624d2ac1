"""The privacy officer's desk: page time and query count with a large site (issue 15).

    createdb -h 127.0.0.1 -U postgres community_desk_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/community_desk_bench \\
    REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/python bench/desk.py [--scale 1]

At --scale 1 the site holds 100,000 members (each with a verified address, a sign-in, terms,
privacy-policy and newsletter consents, a cookie receipt), 100,000 topics and 1,000,000 posts
with IP addresses spread over 400 days (so the IP retention rule has work), 1,000 data requests,
written with set-based INSERT ... SELECT generate_series. The data is kept: a second run at the
same scale seeds nothing. It then runs the retention job once (as the nightly task would) and
times GET /admin/privacy/desk/ in-process as an administrator with a second factor: the median
and p95 of 20 requests, and the number of queries. Production settings (DEBUG off, Redis cache).
Only ever point it at a database made for it: it empties the tables it fills.
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    {
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
    }
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")

import django  # noqa: E402

django.setup()

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from forums.models import Post, User  # noqa: E402
from privacy import consent  # noqa: E402
from privacy.desk import board, counted, rows  # noqa: E402, F401
from privacy.models import PolicyVersion  # noqa: E402
from privacy.retention import job  # noqa: E402

REQUESTS = 20


def steps(members: int, topics: int, posts: int) -> list[tuple[str, str]]:
    terms = PolicyVersion.objects.in_force(PolicyVersion.TERMS).pk
    privacy = PolicyVersion.objects.in_force(PolicyVersion.PRIVACY).pk
    texts = {key: consent.current_text(key).pk for key in ("signup-terms", "signup-newsletter")}
    banner = consent.current_text("cookie-banner").pk
    ago = "now() - interval '400 days'"
    return [
        (
            "empty the tables",
            "TRUNCATE forums_post, forums_topic, forums_category, forums_signin, forums_user, "
            "account_emailaddress, privacy_consent, privacy_cookieconsentreceipt, "
            "privacy_datarequest, privacy_retentionrun RESTART IDENTITY CASCADE",
        ),
        (
            "members",
            f"""INSERT INTO forums_user (password, is_superuser, username, is_staff, is_active,
                date_joined, last_login, email, display_name, job_title, company, location, bio,
                notify_replies)
            SELECT '!', false, 'bench' || i, false, true, {ago} + i * interval '5 minutes',
                now() - (i % 300) * interval '1 day', 'bench' || i || '@example.org',
                CASE WHEN i % 3 = 0 THEN 'Member ' || i ELSE '' END, '', '', '', '', true
            FROM generate_series(1::bigint, {members}) AS i""",
        ),
        (
            "verified addresses",
            """INSERT INTO account_emailaddress (user_id, email, verified, "primary")
            SELECT id, email, true, true FROM forums_user""",
        ),
        (
            "sign-ins",
            """INSERT INTO forums_signin (user_id, created, ip_address, user_agent)
            SELECT id, now() - (id % 360) * interval '1 day', '198.51.100.1', 'Firefox'
            FROM forums_user""",
        ),
        (
            "consents: terms, privacy policy and newsletter",
            f"""INSERT INTO privacy_consent (user_id, email, email_hash, purpose, granted, created,
                source, text_id, policy_id)
            SELECT u.id, '', '', p.purpose, true, u.date_joined, 'signup', p.text_id, p.policy_id
            FROM forums_user u, (VALUES ('terms', {texts["signup-terms"]}, {terms}),
                ('privacy_policy', {texts["signup-terms"]}, {privacy}),
                ('newsletter', {texts["signup-newsletter"]}, NULL::bigint)) AS p(purpose, text_id,
                policy_id)""",
        ),
        (
            "cookie receipts",
            f"""INSERT INTO privacy_cookieconsentreceipt (consent_id, user_id, accepted, declined,
                banner_text_id, created)
            SELECT md5(id::text)::uuid, id,
                CASE WHEN id % 3 = 0 THEN '{{}}'::jsonb ELSE '{{"preferences": "1"}}'::jsonb END,
                CASE WHEN id % 3 = 1 THEN '{{}}'::jsonb ELSE '{{"analytics": "1"}}'::jsonb END,
                {banner}, now() - (id % 60) * interval '1 day'
            FROM forums_user""",
        ),
        (
            "a category and topics",
            f"""WITH c AS (INSERT INTO forums_category (name, slug, description, position,
                staff_only, announcements, topic_count, post_count, colour)
                VALUES ('Bench', 'bench', '', 1, false, false, 0, 0, '#1f6feb') RETURNING id)
            INSERT INTO forums_topic (category_id, title, slug, author_id, created, last_activity,
                pinned, locked, hidden, reply_count, last_position, view_count)
            SELECT c.id, 'Topic ' || i, 'topic-' || i, 1 + (i * 7919) % {members},
                {ago} + i * interval '1 minute', now(), false, false, false, 0, 0, 0
            FROM c, generate_series(1::bigint, {topics}) AS i""",
        ),
        (
            "posts with IP addresses",
            f"""INSERT INTO forums_post (topic_id, author_id, position, source, html, created,
                hidden, ip_address)
            SELECT 1 + i % {topics}, 1 + (i * 7919) % {members}, i / {topics} + 1,
                'Post ' || i, '<p>Post ' || i || '</p>',
                {ago} + i * (interval '400 days' / {posts}), false, '203.0.113.5'
            FROM generate_series(0::bigint, {posts} - 1) AS i""",
        ),
        (
            "data requests",
            """INSERT INTO privacy_datarequest (kind, user_id, email, requester_hash, details,
                received, confirmed, status, due_date, extension_reason, outcome, closed)
            SELECT 'access', i, 'bench' || i || '@example.org', md5(i::text), '',
                now() - (i % 200) * interval '1 day', now() - (i % 200) * interval '1 day',
                CASE WHEN i % 10 = 0 THEN 'open' ELSE 'completed' END,
                (now() - (i % 200) * interval '1 day' + interval '1 month')::date, '', '',
                CASE WHEN i % 10 = 0 THEN NULL ELSE now() - (i % 200) * interval '1 day'
                    + interval '3 days' END
            FROM generate_series(1::bigint, 1000) AS i""",
        ),
        ("analyse", "ANALYZE"),
    ]


def seed(scale: float) -> None:
    members, topics = max(int(100_000 * scale), 100), max(int(100_000 * scale), 100)
    posts = max(int(1_000_000 * scale), 1000)
    if User.objects.filter(is_staff=False).count() == members and Post.objects.count() == posts:
        print(f"Data already seeded: {members:,} members, {posts:,} posts.")
        return
    print(f"Seeding {members:,} members, {topics:,} topics, {posts:,} posts...", flush=True)
    with connection.cursor() as cursor:
        for name, sql in steps(members, topics, posts):
            started = time.monotonic()
            cursor.execute(sql)
            print(f"  {name}: {time.monotonic() - started:.1f} s", flush=True)


def administrator() -> User:
    admin, created = User.objects.get_or_create(
        username="desk-bench-admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.org"},
    )
    if created:
        TOTP.activate(admin, generate_totp_secret())
    return admin


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    scale = parser.parse_args().scale
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)  # DEBUG off serves the manifest
    seed(scale)
    started = time.monotonic()
    job.enforce()
    print(f"Retention job (as the nightly task runs it): {time.monotonic() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum does after the job changed many rows
    client = Client()
    client.force_login(administrator())
    cache.clear()  # the first request counts everything, as after the counts expire
    queries = []
    started = time.perf_counter()
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        assert client.get("/admin/privacy/desk/").status_code == 200  # warm-up
    cold = (time.perf_counter() - started) * 1000
    for function in board._functions:  # where the time goes
        started = time.perf_counter()
        function(timezone.now())
        print(f"  {function.__name__}: {(time.perf_counter() - started) * 1000:.0f} ms")
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get("/admin/privacy/desk/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    print(
        f"Scale {scale}: {User.objects.count():,} members, {Post.objects.count():,} posts. "
        f"GET /admin/privacy/desk/: {len(queries)} queries; {cold:.0f} ms with the counts "
        f"recounted (every {counted.RECOUNT.seconds // 60} minutes), then median "
        f"{statistics.median(times):.0f} ms, p95 {times[int(len(times) * 0.95) - 1]:.0f} ms "
        f"over {REQUESTS} requests; load average {os.getloadavg()[0]:.1f}."
    )


if __name__ == "__main__":
    main()

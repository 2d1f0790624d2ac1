"""First-party visit statistics (P5): counted in the cache, flushed by a job, shown to staff."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from privacy import tasks
from privacy.models import DailyVisitCount
from privacy.stats import counting, flush

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"
HEADERS = {
    "User-Agent": BROWSER,
    "Referer": "https://www.linkedin.com/feed/?trk=someone-specific",
    "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.8",
}


def views(dimension):
    return dict(DailyVisitCount.objects.filter(dimension=dimension).values_list("value", "views"))


def test_a_page_view_is_counted_in_the_cache_without_a_database_write(client):
    with CaptureQueriesContext(connection) as queries:
        client.get("/privacy/terms/", headers=HEADERS)
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert not DailyVisitCount.objects.exists()
    assert flush.flush_visit_counts() == 1


def test_flush_moves_coarse_counts_to_the_database(client):
    for _ in range(3):
        client.get("/privacy/", headers=HEADERS)
    client.get("/", headers={"User-Agent": "Mozilla/5.0 (Macintosh) Firefox/131.0"})
    assert tasks.flush_visit_counts() == 4
    assert views("path") == {"/privacy/": 3, "/": 1}
    assert views("referrer") == {"linkedin.com": 3}
    assert views("browser") == {"Chrome": 3, "Firefox": 1}
    assert views("language") == {"fr": 3}
    assert sum(views("hour").values()) == 4
    every_value = " ".join(DailyVisitCount.objects.values_list("value", flat=True))
    assert "trk" not in every_value and "127.0.0.1" not in every_value


def test_counting_sets_no_cookie(client):
    reject = client.get("/privacy/", headers=HEADERS)
    assert not set(reject.cookies) - {"csrftoken"}


def test_flushing_twice_does_not_count_twice_and_later_views_add_up(client):
    client.get("/privacy/", headers=HEADERS)
    flush.flush_visit_counts()
    assert flush.flush_visit_counts() == 0
    client.get("/privacy/", headers=HEADERS)
    client.get("/privacy/", headers=HEADERS)
    flush.flush_visit_counts()
    assert views("path") == {"/privacy/": 3}


def test_a_running_flush_is_not_overlapped(client):
    client.get("/privacy/", headers=HEADERS)
    cache.add(flush.FLUSH_LOCK, True)
    assert flush.flush_visit_counts() == 0
    cache.delete(flush.FLUSH_LOCK)
    assert flush.flush_visit_counts() == 1


@pytest.mark.parametrize(
    "path, headers",
    [
        ("/no-such-page/", HEADERS),
        ("/admin/login/", HEADERS),
        ("/privacy/", {"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"}),
        ("/privacy/", {}),
        ("/privacy/cookies/settings/status/", HEADERS),
        ("/privacy/", {**HEADERS, "Sec-Purpose": "prefetch"}),
    ],
)
def test_what_is_not_counted(client, path, headers):
    client.get(path, headers=headers)
    assert flush.flush_visit_counts() == 0


def test_a_post_is_not_counted(client):
    client.post("/privacy/cookies/settings/decline/", {"all_groups": "on"}, headers=HEADERS)
    assert flush.flush_visit_counts() == 0


def test_internal_links_are_not_referrers(client):
    client.get("/privacy/", headers={**HEADERS, "Referer": "http://testserver/"})
    flush.flush_visit_counts()
    assert views("referrer") == {}


def test_counts_of_earlier_days_are_flushed_too():
    yesterday = timezone.localdate() - timedelta(days=1)
    counting.count([("path", "/")], day=yesterday)
    flush.flush_visit_counts()
    assert DailyVisitCount.objects.get().day == yesterday


def test_the_flush_job_is_scheduled_by_migration():
    job = PeriodicTask.objects.get(task="privacy.flush_visit_counts")
    assert job.enabled and job.interval.every == 10


# The staff report


def make_history(days=90, paths=30):
    today = timezone.localdate()
    rows = []
    for n in range(days):
        day = today - timedelta(days=n)
        for p in range(paths):
            rows.append(DailyVisitCount(day=day, dimension="path", value=f"/t/{p}/", views=p + 1))
        rows.append(DailyVisitCount(day=day, dimension="referrer", value="google.com", views=5))
    DailyVisitCount.objects.bulk_create(rows)


def test_report_shows_the_chart_and_top_pages_and_referrers(
    staff_client, django_assert_max_num_queries
):
    make_history()
    staff_client.get("/privacy/", headers=HEADERS)
    with django_assert_max_num_queries(20):
        response = staff_client.get("/admin/privacy/dailyvisitcount/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<rect ") == 90
    assert "/t/29/" in html and "google.com" in html and "linkedin.com" in html
    top = response.context["top_pages"]
    assert top[0] == {"value": "/t/29/", "views": 30 * 90}
    assert response.context["total_views"] == 90 * sum(range(1, 31)) + 1


def test_report_csv_has_every_count(staff_client):
    make_history(days=3, paths=2)
    response = staff_client.get("/admin/privacy/dailyvisitcount/csv/")
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["day", "dimension", "value", "views"]
    assert len(rows) == 1 + 3 * 3


def test_report_is_for_staff_only(user_client):
    assert user_client.get("/admin/privacy/dailyvisitcount/").status_code == 302
    assert user_client.get("/admin/privacy/dailyvisitcount/csv/").status_code == 302


def test_many_different_pages_are_all_counted():
    for n in range(1500):
        counting.count([("path", f"/t/{n}/")])
    assert flush.flush_visit_counts() == 1500
    assert DailyVisitCount.objects.count() == 1500


@pytest.mark.parametrize(
    "header, value",
    [("Referer", "http://[not-a-url/"), ("Referer", "::::"), ("Accept-Language", "*;q=0.5")],
)
def test_made_up_headers_are_counted_without_an_error(client, header, value):
    assert client.get("/privacy/", headers={**HEADERS, header: value}).status_code == 200
    assert flush.flush_visit_counts() == 1


def test_made_up_referrers_are_counted_as_other(client, settings):
    settings.STATS_REFERRER_HOSTS = ["linkedin.com", "google.com"]
    for n in range(40):
        client.get("/privacy/", headers={**HEADERS, "Referer": f"https://spam{n}.example/x"})
    client.get("/privacy/", headers={**HEADERS, "Referer": "https://uk.linkedin.com/feed/"})
    client.get("/privacy/", headers=HEADERS)
    counted = counting.counters().read(timezone.localdate())
    assert sorted(value for dimension, value in counted if dimension == "referrer") == [
        "linkedin.com",
        "other",
    ]
    flush.flush_visit_counts()
    assert views("referrer") == {"other": 40, "linkedin.com": 2}


def test_visit_counters_never_touch_the_default_cache():
    cache.set("rate-limit-sentinel", 1)
    counters = counting.CacheCounters()
    counters.add(timezone.localdate(), [("path", f"/t/{n}/") for n in range(50)])
    assert len(counters.read(timezone.localdate())) == 50
    assert cache.get_many([f"visits:{timezone.localdate()}:slots"]) == {}
    assert cache.get("rate-limit-sentinel") == 1

"""First-party visit statistics (P5): daily counts that identify nobody, so they need no consent.

Each page view adds one to a counter per dimension (page, referring site, browser family,
language, hour) for the day. Counting happens in the cache (Redis when configured), never in the
database: `flush_visit_counts` (a Celery beat job, and the staff report before it renders) moves
the counts into `DailyVisitCount`. Nothing about the visitor is stored: no IP address, no cookie,
no member id, no full referrer or user agent.
"""

import functools
import hashlib
import re
from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from community.outages import log_outage

from .models import DailyVisitCount

Dimension = DailyVisitCount.Dimension

# Counters live this long; the flush looks back as many days (today included).
COUNTER_DAYS = 3
COUNTER_TIMEOUT = COUNTER_DAYS * 24 * 3600
FLUSH_LOCK = "visits:flush-lock"
FLUSH_LOCK_TIMEOUT = 10 * 60

NOT_COUNTED_PATHS = ("/admin/", "/static/", "/media/", "/privacy/cookies/settings/status/")
ROBOT = re.compile(r"bot|crawl|spider|slurp|preview|headless|monitor|curl|wget|python", re.I)
# Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
BROWSERS = [
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/|Chromium/")),
    ("Safari", re.compile(r"Safari/")),
]
LANGUAGE = re.compile(r"^\s*([a-zA-Z]{2,3})\b")
OTHER_REFERRER = "other"
CHART_HEIGHT = 150
CHART_BAR_STEP = 10


def is_counted(request, response) -> bool:
    """A page a person looked at: an HTML page served successfully to a browser."""
    user_agent = request.headers.get("User-Agent", "")
    return (
        request.method == "GET"
        and response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and not request.path.startswith(NOT_COUNTED_PATHS)
        and bool(user_agent)
        and not ROBOT.search(user_agent)
        and "prefetch" not in request.headers.get("Sec-Purpose", "")
    )


def _referring_site(request) -> str:
    """The site in the Referer header: its name when it is one of settings.STATS_REFERRER_HOSTS
    (or their subdomains), "other" for any other site, "" for none or this site. Anyone can
    write the header, so only a bounded set of names ever gets a counter."""
    try:
        host = (urlsplit(request.headers.get("Referer", "")).hostname or "").removeprefix("www.")
    except ValueError:  # not a URL: a made-up header
        return ""
    if not host or host == request.get_host().split(":")[0].removeprefix("www."):
        return ""
    known = settings.STATS_REFERRER_HOSTS
    return next((k for k in known if host == k or host.endswith(f".{k}")), OTHER_REFERRER)


def dimensions(request) -> list[tuple[str, str]]:
    """What one page view is counted under. Everything is reduced to a coarse category."""
    now = timezone.localtime()
    counted = [(Dimension.PATH, request.path[:200]), (Dimension.HOUR, f"{now.hour:02d}")]
    if referrer := _referring_site(request):
        counted.append((Dimension.REFERRER, referrer[:200]))
    user_agent = request.headers.get("User-Agent", "")
    browser = next((name for name, pattern in BROWSERS if pattern.search(user_agent)), "Other")
    counted.append((Dimension.BROWSER, browser))
    if language := LANGUAGE.match(request.headers.get("Accept-Language", "")):
        counted.append((Dimension.LANGUAGE, language[1].lower()))
    return counted


class CacheCounters:
    """Counters in the "stats" Django cache (in-process in development), apart from the default
    cache's rate-limit counters.

    A cache cannot list its keys, so the first count of a (day, dimension, value) also takes a
    numbered slot for the day (`visits:<day>:slots` is the number taken) naming its counter.
    """

    @property
    def cache(self):
        return caches["stats"]  # looked up each time: Django hands out one object per thread

    def add(self, day: date, pairs: list[tuple[str, str]]) -> None:
        for dimension, value in pairs:
            key = self._counter_key(day, dimension, value)
            try:
                self.cache.incr(key)
            except ValueError:  # the first view of this value today
                if self.cache.add(key, 1, COUNTER_TIMEOUT):
                    self.cache.add(self._slots_key(day), 0, COUNTER_TIMEOUT)
                    slot = self.cache.incr(self._slots_key(day))
                    self.cache.set(self._slot_key(day, slot), (dimension, value), COUNTER_TIMEOUT)
                else:
                    self.cache.incr(key)

    def read(self, day: date) -> dict[tuple[str, str], int]:
        slots = self.cache.get(self._slots_key(day)) or 0
        named = self.cache.get_many([self._slot_key(day, n) for n in range(1, slots + 1)]).values()
        counters = {self._counter_key(day, *pair): pair for pair in named}
        return {counters[key]: n for key, n in self.cache.get_many(list(counters)).items() if n > 0}

    def take(self, day: date, counts: dict[tuple[str, str], int]) -> None:
        for pair, n in counts.items():
            try:
                self.cache.decr(self._counter_key(day, *pair), n)
            except ValueError:  # expired meanwhile: nothing left to take
                pass

    @staticmethod
    def _counter_key(day: date, dimension: str, value: str) -> str:
        digest = hashlib.blake2b(value.encode(), digest_size=12).hexdigest()
        return f"visits:{day.isoformat()}:{dimension}:{digest}"

    @staticmethod
    def _slots_key(day: date) -> str:
        return f"visits:{day.isoformat()}:slots"

    @staticmethod
    def _slot_key(day: date, number: int) -> str:
        return f"visits:{day.isoformat()}:slot:{number}"


class RedisCounters:
    """Counters in a Redis hash per day: one round trip per page view."""

    def __init__(self, url: str):
        # As the caches: a hung Redis costs a page a second at most, never the page.
        self.redis = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)

    def add(self, day: date, pairs: list[tuple[str, str]]) -> None:
        key = self._key(day)
        pipeline = self.redis.pipeline(transaction=False)
        for dimension, value in pairs:
            pipeline.hincrby(key, f"{dimension}\t{value}", 1)
        pipeline.expire(key, COUNTER_TIMEOUT)
        pipeline.execute()

    def read(self, day: date) -> dict[tuple[str, str], int]:
        return {
            tuple(field.decode().split("\t", 1)): int(n)
            for field, n in self.redis.hgetall(self._key(day)).items()
            if int(n) > 0
        }

    def take(self, day: date, counts: dict[tuple[str, str], int]) -> None:
        pipeline = self.redis.pipeline(transaction=False)
        for (dimension, value), n in counts.items():
            pipeline.hincrby(self._key(day), f"{dimension}\t{value}", -n)
        pipeline.execute()

    @staticmethod
    def _key(day: date) -> str:
        return f"{settings.CACHES['stats'].get('KEY_PREFIX', '')}:visits:{day.isoformat()}"


@functools.cache
def _counters(redis_url: str) -> CacheCounters | RedisCounters:
    return RedisCounters(redis_url) if redis_url else CacheCounters()


def counters() -> CacheCounters | RedisCounters:
    """Redis when the site has it, otherwise the "stats" cache."""
    return _counters(settings.REDIS_URL)


def count(pairs: list[tuple[str, str]], day: date | None = None) -> None:
    """Add one page view to the counter of each (dimension, value). While Redis is down the
    view goes uncounted: statistics are not worth a page."""
    try:
        counters().add(day or timezone.localdate(), pairs)
    except (redis.ConnectionError, redis.TimeoutError) as error:
        log_outage("stats", "Visit statistics unavailable, views go uncounted: %s", error)


def flush_visit_counts() -> int:
    """Move the cached counts into the database; return how many page views were moved.

    One flush at a time (a lock in the cache). Counts are taken out of the cache only after the
    database transaction commits, so a failed write leaves them for the next run.
    """
    if not cache.add(FLUSH_LOCK, True, FLUSH_LOCK_TIMEOUT):
        return 0
    try:
        today = timezone.localdate()
        return sum(_flush_day(today - timedelta(days=n)) for n in range(COUNTER_DAYS))
    finally:
        cache.delete(FLUSH_LOCK)


def _flush_day(day: date) -> int:
    store = counters()
    counts = store.read(day)
    if not counts:
        return 0
    with transaction.atomic():
        _add_to_database(day, counts)
    store.take(day, counts)
    return sum(n for (dimension, _), n in counts.items() if dimension == Dimension.PATH)


def _add_to_database(day: date, counts: dict[tuple[str, str], int]) -> None:
    rows = {
        (row.dimension, row.value): row
        for row in DailyVisitCount.objects.filter(day=day).only("dimension", "value", "views")
    }
    new, changed = [], []
    for (dimension, value), n in counts.items():
        if row := rows.get((dimension, value)):
            row.views += n
            changed.append(row)
        else:
            new.append(DailyVisitCount(day=day, dimension=dimension, value=value, views=n))
    DailyVisitCount.objects.bulk_update(changed, ["views"], batch_size=500)
    DailyVisitCount.objects.bulk_create(new, batch_size=500)


class VisitCountMiddleware:
    """Counts page views in the cache (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_counted(request, response):
            count(dimensions(request))
        return response


def report(days: int = 90, today: date | None = None) -> dict:
    """What the staff report shows: views per day (with the bars of an SVG chart) and the top
    pages, referring sites, browsers, languages and hours over `days` days up to `today`."""
    today = today or timezone.localdate()
    start = today - timedelta(days=days - 1)
    rows = DailyVisitCount.objects.filter(day__range=(start, today))
    per_day = dict(
        rows.filter(dimension=Dimension.PATH).values_list("day").annotate(total=Sum("views"))
    )
    series = [
        (start + timedelta(days=n), per_day.get(start + timedelta(days=n), 0)) for n in range(days)
    ]
    highest = max((views for _, views in series), default=0) or 1
    bars = [
        {
            "day": day,
            "views": views,
            "x": n * CHART_BAR_STEP,
            "y": CHART_HEIGHT - round(views / highest * CHART_HEIGHT),
            "height": round(views / highest * CHART_HEIGHT),
        }
        for n, (day, views) in enumerate(series)
    ]

    def top(dimension: str, limit: int, order: str = "-views"):
        totals = rows.filter(dimension=dimension).values("value").annotate(views=Sum("views"))
        return list(totals.order_by(order, "value")[:limit])

    return {
        "start": start,
        "end": today,
        "days": days,
        "total_views": sum(per_day.values()),
        "bars": bars,
        "highest": highest,
        "chart_width": days * CHART_BAR_STEP,
        "chart_height": CHART_HEIGHT,
        "top_pages": top(Dimension.PATH, 20),
        "top_referrers": top(Dimension.REFERRER, 20),
        "browsers": top(Dimension.BROWSER, 10),
        "languages": top(Dimension.LANGUAGE, 10),
        "hours": top(Dimension.HOUR, 24, order="value"),
    }


def csv_rows(days: int = 90, today: date | None = None) -> Iterator[list]:
    """Every count of the last `days` days, for the report's CSV download."""
    today = today or timezone.localdate()
    yield ["day", "dimension", "value", "views"]
    rows = DailyVisitCount.objects.filter(day__range=(today - timedelta(days=days - 1), today))
    rows = rows.order_by("day", "dimension", "-views", "value").values_list(
        "day", "dimension", "value", "views"
    )
    for day, dimension, value, views in rows.iterator(chunk_size=2000):
        yield [day.isoformat(), dimension, value, views]

"""How much counting a page view costs, and how long a flush takes (P5).

    .venv/bin/python bench/visit_counting.py                    # the in-process cache
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/visit_counting.py

Counts go to the configured cache (or Redis), under a day far in the future so that real counters
are not touched (they expire in three days), and the flush writes to the configured database
inside a transaction that is rolled back.
"""

import os
import sys
import time
from datetime import date
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
os.environ.setdefault("DEBUG", "1")  # a developer's machine, as under `make run`

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from privacy.stats import counting, flush  # noqa: E402

DAY = date(2999, 1, 1)
VIEWS = 20_000
PATHS = 2_000


def views():
    for n in range(VIEWS):
        yield [
            ("path", f"/t/{n % PATHS}/some-topic/"),
            ("hour", f"{n % 24:02d}"),
            ("browser", "Firefox" if n % 3 else "Chrome"),
            ("language", "en"),
            ("referrer", "linkedin.com" if n % 5 == 0 else "google.com"),
        ]


def main():
    backend = django.conf.settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"cache: {backend}, {VIEWS} page views over {PATHS} pages, 5 counters each")
    start = time.perf_counter()
    for pairs in views():
        counting.count(pairs, day=DAY)
    elapsed = time.perf_counter() - start
    print(f"counting: {elapsed / VIEWS * 1e6:.0f} µs per page view ({VIEWS / elapsed:.0f} views/s)")

    with mock.patch.object(flush.timezone, "localdate", return_value=DAY):
        start = time.perf_counter()
        with transaction.atomic():
            moved = flush.flush_visit_counts()
            transaction.set_rollback(True)
        elapsed = time.perf_counter() - start
        print(f"flush: {moved} views into {PATHS + 29} daily rows in {elapsed:.2f} s")


if __name__ == "__main__":
    main()

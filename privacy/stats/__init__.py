"""First-party visit statistics (P5): daily counts that identify nobody, so they need no consent.

Each page view adds one to a counter per dimension (page, referring site, browser family,
language, hour) for the day. Counting happens in the cache (Redis when configured), never in the
database: `flush.flush_visit_counts` (a Celery beat job, and the staff report before it renders)
moves the counts into `DailyVisitCount`. Nothing about the visitor is stored: no IP address, no
cookie, no member id, no full referrer or user agent.

Features are counted the same way (features.py): `privacy.stats.count_feature("search")` adds one
use of a feature, named from a fixed list, to the day's counts.

models.py the daily counts; middleware.py what a page view is counted under; counting.py the two
counter stores (a Redis hash, or the "stats" cache); flush.py moving the counts to the database;
report.py and chart.py the staff report and its CSV; admin.py the report's pages; tasks.py the
flush as a Celery task; features.py the feature-usage counts.
"""

from .features import count_feature

__all__ = ["count_feature"]

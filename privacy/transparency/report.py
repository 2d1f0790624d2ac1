"""The public transparency report: per quarter, figures computed from the site's own records,
holding no personal data. Counts under 5 read "fewer than 5", so a small figure cannot point at
anyone; a median from fewer than 5 answers is not shown at all.

Eight grouped queries, however many records; the result is cached for an hour.
"""

from __future__ import annotations

import dataclasses
import statistics
from datetime import date, datetime

from django.core.cache import cache
from django.db.models import Count, Sum
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from .. import registry
from ..models import Breach, DataRequest, Disclosure, RetentionRun

QUARTERS_SHOWN = 8
SMALLEST_SHOWN = 5
CACHE_SECONDS = 3600
MONTHS = ["January–March", "April–June", "July–September", "October–December"]


def shown(n: int) -> str:
    """A count as the report prints it."""
    if n == 0:
        return "none"
    return "fewer than 5" if n < SMALLEST_SHOWN else str(n)


@dataclasses.dataclass
class Quarter:
    start: date
    current: bool
    received: dict = dataclasses.field(default_factory=dict)
    completed: dict = dataclasses.field(default_factory=dict)
    days_to_answer: list = dataclasses.field(default_factory=list)
    extensions: int = 0
    refused: dict = dataclasses.field(default_factory=dict)
    disclosures: dict = dataclasses.field(default_factory=dict)
    breaches_notified: int = 0
    retention: dict = dataclasses.field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.start.year} Q{self.start.month // 3 + 1} ({MONTHS[self.start.month // 3]})"

    @property
    def empty(self) -> bool:
        """Nothing at all happened this quarter: the page says so in one line."""
        counts = [self.received, self.completed, self.days_to_answer, self.refused]
        counts += [self.extensions, self.disclosures, self.breaches_notified, self.retention]
        return not any(counts)

    @property
    def requests(self) -> list[tuple[str, str, str]]:
        return [
            (label, shown(self.received.get(kind, 0)), shown(self.completed.get(kind, 0)))
            for kind, label in DataRequest.Kind.choices
        ]

    @property
    def median_days(self) -> str | None:
        if len(self.days_to_answer) < SMALLEST_SHOWN:
            return None
        return f"{statistics.median(self.days_to_answer):g}"

    @property
    def answered(self) -> str:
        return shown(len(self.days_to_answer))

    @property
    def extensions_shown(self) -> str:
        return shown(self.extensions)

    @property
    def breaches_shown(self) -> str:
        return shown(self.breaches_notified)

    @property
    def refusals(self) -> list[tuple[str, str]]:
        labels = dict(DataRequest.RefusalCategory.choices)
        return [(labels.get(key, "Other"), shown(n)) for key, n in sorted(self.refused.items())]

    @property
    def sponsors(self) -> list[tuple[str, str, str]]:
        rows = sorted(self.disclosures.items())
        return [(name, shown(times), shown(people)) for name, (times, people) in rows]

    @property
    def retained(self) -> list[tuple[str, str]]:
        return [(kind, shown(n)) for kind, n in sorted(self.retention.items()) if n]


def report(now: datetime | None = None) -> list[Quarter]:
    """The last QUARTERS_SHOWN quarters, newest first, from the cache when fresh."""
    now = now or timezone.now()
    key = f"privacy:transparency:{timezone.localtime(now):%Y-%m-%d-%H}"
    return cache.get_or_set(key, lambda: compute(now), CACHE_SECONDS)


def compute(now: datetime) -> list[Quarter]:
    today = timezone.localtime(now).date()
    quarters = {}
    start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    for n in range(QUARTERS_SHOWN):
        quarters[start] = Quarter(start, current=n == 0)
        start = date(start.year - (start.month == 1), (start.month - 4) % 12 + 1, 1)
    since = timezone.make_aware(datetime.combine(min(quarters), datetime.min.time()))
    _requests(quarters, since)
    _others(quarters, since)
    return sorted(quarters.values(), key=lambda q: q.start, reverse=True)


def _quarter_of(moment) -> date:
    moment = timezone.localtime(moment) if isinstance(moment, datetime) else moment
    return date(moment.year, (moment.month - 1) // 3 * 3 + 1, 1)


def _add(quarters, moment, attribute: str, key=None, n=1) -> None:
    quarter = quarters.get(_quarter_of(moment))
    if quarter is None:
        return
    if key is None:
        setattr(quarter, attribute, getattr(quarter, attribute) + n)
    else:
        counts = getattr(quarter, attribute)
        counts[key] = counts.get(key, 0) + n


def _requests(quarters, since) -> None:
    Status = DataRequest.Status
    requests = DataRequest.objects.confirmed().order_by()
    received = requests.filter(received__gte=since).annotate(q=TruncQuarter("received"))
    for moment, kind, n in received.values_list("q", "kind").annotate(n=Count("id")):
        _add(quarters, moment, "received", kind, n)
    closed = requests.filter(closed__gte=since).annotate(q=TruncQuarter("closed"))
    done = closed.filter(status=Status.COMPLETED)
    for moment, kind, n in done.values_list("q", "kind").annotate(n=Count("id")):
        _add(quarters, moment, "completed", kind, n)
    refused = closed.filter(status=Status.REFUSED).values_list("q", "refusal_category")
    for moment, category, n in refused.annotate(n=Count("id")):
        _add(quarters, moment, "refused", category or "other", n)
    answered = requests.filter(closed__gte=since, status__in=[Status.COMPLETED, Status.REFUSED])
    for received_at, closed_at in answered.values_list("received", "closed"):
        quarter = quarters.get(_quarter_of(closed_at))
        if quarter is not None:
            quarter.days_to_answer.append((closed_at - received_at).days)
    extended = requests.filter(extension_notified__gte=since)
    extended = extended.annotate(q=TruncQuarter("extension_notified")).values_list("q")
    for moment, n in extended.annotate(n=Count("id")):
        _add(quarters, moment, "extensions", n=n)


def _others(quarters, since) -> None:
    disclosures = Disclosure.objects.filter(created__gte=since).order_by()
    disclosures = disclosures.annotate(q=TruncQuarter("created")).values_list("q", "sponsor__name")
    for moment, sponsor, n, people in disclosures.annotate(n=Count("id"), p=Sum("people")):
        quarter = quarters.get(_quarter_of(moment))
        if quarter is not None:
            times, everyone = quarter.disclosures.get(sponsor, (0, 0))
            quarter.disclosures[sponsor] = (times + n, everyone + (people or 0))
    notified = Breach.objects.filter(authority_notified_at__gte=since).order_by()
    notified = notified.annotate(q=TruncQuarter("authority_notified_at")).values_list("q")
    for moment, n in notified.annotate(n=Count("id")):
        _add(quarters, moment, "breaches_notified", n=n)
    kinds = {rule.key: _kind(d, rule) for d in registry.declarations() for rule in d.retention}
    runs = RetentionRun.objects.filter(started__gte=since).order_by()
    runs = runs.annotate(q=TruncQuarter("started")).values_list("q", "rule")
    for moment, rule, changed in runs.annotate(changed=Sum("changed")):
        _add(quarters, moment, "retention", kinds.get(rule, rule), changed or 0)


def _kind(declaration, rule) -> str:
    return f"{declaration.name}: {rule.description or rule.action_display}"

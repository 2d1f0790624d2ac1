"""What the staff report shows (P5): views per day, the top pages, referring sites, browsers,
languages and hours, the features used, and every count as CSV."""

from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import Sum
from django.utils import timezone

from . import chart
from .features import FEATURES, label
from .models import DailyVisitCount

Dimension = DailyVisitCount.Dimension


def report(days: int = 90, today: date | None = None) -> dict:
    """Views per day (with the bars of an SVG chart) and the top pages, referring sites,
    browsers, languages and hours over `days` days up to `today`."""
    today = today or timezone.localdate()
    start = today - timedelta(days=days - 1)
    rows = DailyVisitCount.objects.filter(day__range=(start, today))
    per_day = dict(
        rows.filter(dimension=Dimension.PATH).values_list("day").annotate(total=Sum("views"))
    )
    series = [
        (start + timedelta(days=n), per_day.get(start + timedelta(days=n), 0)) for n in range(days)
    ]
    bars, highest = chart.bars(series)

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
        "chart_width": days * chart.CHART_BAR_STEP,
        "chart_height": chart.CHART_HEIGHT,
        "top_pages": top(Dimension.PATH, 20),
        "top_referrers": top(Dimension.REFERRER, 20),
        "browsers": top(Dimension.BROWSER, 10),
        "languages": top(Dimension.LANGUAGE, 10),
        "hours": top(Dimension.HOUR, 24, order="value"),
        "features": [
            {"value": label(row["value"]), "views": row["views"]}
            for row in top(Dimension.FEATURE, len(FEATURES))
        ],
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

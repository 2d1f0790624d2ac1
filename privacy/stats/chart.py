"""The geometry of the staff report's bar chart (an SVG drawn by the template): one bar a day."""

from datetime import date

CHART_HEIGHT = 150
CHART_BAR_STEP = 10


def bars(series: list[tuple[date, int]]) -> tuple[list[dict], int]:
    """A bar for each (day, views), scaled so the highest reaches the chart's top, and that
    highest number of views (at least 1, so an empty chart divides by nothing)."""
    highest = max((views for _, views in series), default=0) or 1
    drawn = [
        {
            "day": day,
            "views": views,
            "x": n * CHART_BAR_STEP,
            "y": CHART_HEIGHT - round(views / highest * CHART_HEIGHT),
            "height": round(views / highest * CHART_HEIGHT),
        }
        for n, (day, views) in enumerate(series)
    ]
    return drawn, highest

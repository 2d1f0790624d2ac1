"""What a page view is counted under (P5): everything reduced to a coarse category."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from .counting import count
from .models import DailyVisitCount

Dimension = DailyVisitCount.Dimension

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


class VisitCountMiddleware:
    """Counts page views in the cache (see privacy/stats/__init__.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_counted(request, response):
            count(dimensions(request))
        return response

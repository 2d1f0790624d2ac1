"""Error reports without personal data: Sentry, only when SENTRY_DSN is set."""

import sentry_sdk

from .logs import redact

OFF = {"mode": "off"}
# What the integrations may collect: nothing about who made the request or what they sent.
# (`data_collection` supersedes the deprecated `send_default_pii=False`, and says more.)
COLLECT_NOTHING_PERSONAL = {
    "user_info": False,
    "cookies": OFF,
    "http_headers": {"request": OFF},
    "http_bodies": [],
    "url_query_params": OFF,
    "database_query_data": False,
    "stack_frame_variables": False,  # local variables hold form data and addresses
}
# What an event may keep of the request: where and how, never who or what they sent.
REQUEST_KEPT = {"url", "method"}


def start_reporting(dsn: str, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        data_collection=COLLECT_NOTHING_PERSONAL,
        before_send=scrub,
        before_send_transaction=scrub,
        traces_sample_rate=0,
    )


def scrub(event: dict, hint=None) -> dict:
    """The last word before an event leaves: only the URL path and method of the request, no
    user, no breadcrumbs, no frame variables, and no email or IP address in any text."""
    if "request" in event:
        request = {k: v for k, v in event["request"].items() if k in REQUEST_KEPT}
        request["url"] = request.get("url", "").split("?")[0]
        event["request"] = request
    for name in ("user", "breadcrumbs"):
        event.pop(name, None)
    event.get("contexts", {}).pop("request", None)
    for exception in event.get("exception", {}).get("values", []):
        for frame in exception.get("stacktrace", {}).get("frames", []):
            frame.pop("vars", None)
    return _redacted(event)


def _redacted(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item) for item in value]
    return value

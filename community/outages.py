"""Logging a service the site can run without (the cache, the broker) while it is down.

Every request would otherwise log the same error, hundreds of times a second, and bury
everything else in the log: each kind of outage is logged at most once a minute per process.
"""

import logging
import time

logger = logging.getLogger("community.outages")
INTERVAL = 60  # seconds
_last_logged: dict[str, float] = {}


def log_outage(kind: str, message: str, *args) -> None:
    """Log `message % args` as a warning unless this `kind` was logged in the last minute.

    Two threads may both log at the turn of a minute; a lock would cost every call more than
    an extra line costs now and then.
    """
    now = time.monotonic()
    if now - _last_logged.get(kind, -INTERVAL) < INTERVAL:
        return
    _last_logged[kind] = now
    logger.warning(message, *args)

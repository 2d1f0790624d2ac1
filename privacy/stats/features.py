"""Feature-usage counts: the privacy policy's "we keep a log of what features are being used".

`count_feature("search")` adds one to today's counter of that feature, in the same counter store
as the visit counts (a Redis hash, or the "stats" cache without Redis; uncounted while Redis is
down) and flushed by the same job into the same table, `DailyVisitCount` with the dimension
"feature". The admin's visit report lists them.

Why this is no personal data (and so is not in the registry, and needs no consent, like the
visit counts of P5): a row holds a day, a feature's name and a number. The name is one of
FEATURES below, fixed in the code (anything else is refused), so no member, address, IP,
search word or other text typed by a person can reach it, and a day's count of hundreds of
people's actions says nothing about any one of them.
"""

from . import counting

# The value of DailyVisitCount.Dimension.FEATURE (not imported: the models import this package).
FEATURE_DIMENSION = "feature"

FEATURES = {
    "topic": "Topics started",
    "reply": "Replies posted",
    "search": "Searches",
    "export": "Data exports requested",
    "newsletter-signup": "Newsletter sign-ups",
    "feedback": "Feedback sent",
    "resource-request": "Sponsored resources requested",
    "event-registration": "Event registrations",
    "ticket-sale": "Tickets sold",
}


def count_feature(name: str, *, day=None) -> None:
    """One use of a feature today. `name` must be a key of FEATURES: a new feature is added
    there, with its label for the report."""
    if name not in FEATURES:
        raise ValueError(f"Unknown feature {name!r}: add it to privacy.stats.features.FEATURES")
    counting.count([(FEATURE_DIMENSION, name)], day=day)


def label(name: str) -> str:
    return FEATURES.get(name, name)

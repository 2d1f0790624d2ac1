"""Promises kept by how the code is built rather than by anything a query can see: each says
honestly how it is kept and where the tests are, and is never shown green (``NOT_LIVE``). The
one here that a setting can break (P1) is checked live."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from .. import board

SIGN_UP_FIELDS = {"username*", "email*", "password1*", "password2*", "password1", "password2"}

BY_DESIGN = [
    ("P3", "Members add content", "Forum pages and permissions; the forum app's test_topics.py."),
    (
        "P4",
        "Links to other sites",
        "Every post's Markdown is rendered with external links marked nofollow noopener "
        "noreferrer ugc; the forum app's test_markup.py.",
    ),
    (
        "P5",
        "Aggregate statistics only",
        "Visits are counted per day and dimension, with no visitor column to fill; "
        "tests/privacy/stats/test_stats.py.",
    ),
    (
        "P10",
        "Leaving is one click",
        "Every newsletter carries a signed unsubscribe link and List-Unsubscribe-Post; "
        "tests/privacy/newsletter/test_newsletter.py, tests/test_email_headers.py.",
    ),
    (
        "P11",
        "Service email is separate",
        "Account emails do not read the marketing consent; reply notifications have their own "
        "switch; the forum app's test_notifications.py.",
    ),
    (
        "P16",
        "Requests can be published",
        "Publishing feedback tells the sender first; tests/privacy/feedback/test_feedback.py.",
    ),
    (
        "P18",
        "Operational records stay",
        "Audit trails and proof of consent are reduced, not deleted; "
        "tests/privacy/test_erasure_class.py walks every declaration.",
    ),
    (
        "P22",
        "Remembering for convenience",
        "Recent searches and typed contact details live in preference cookies only with consent; "
        "tests/privacy/cookies/test_cookie_preferences.py.",
    ),
]


@board.row
def sign_up(now: datetime) -> board.Row:
    fields = set(settings.ACCOUNT_SIGNUP_FIELDS)
    extra = sorted(fields - SIGN_UP_FIELDS)
    return board.Row(
        key="sign-up",
        promises="P1",
        title="Minimal sign-up",
        status=board.RED if extra else board.GREEN,
        summary=(
            f"Sign-up also asks for {', '.join(extra)}"
            if extra
            else "Sign-up asks for a username, an email address and a password only"
        ),
        evidence=[f"ACCOUNT_SIGNUP_FIELDS = {sorted(fields)}"],
    )


@board.row
def by_design(now: datetime) -> list[board.Row]:
    return [
        board.Row(
            key=f"design-{number.lower()}",
            promises=number,
            title=title,
            status=board.NOT_LIVE,
            summary=how,
        )
        for number, title, how in BY_DESIGN
    ]

"""Validators shared by the forums and the privacy app."""

import unicodedata

from django.core.exceptions import ValidationError

# Control characters (CR, LF, NUL, tab, DEL, C1) and the Unicode line and paragraph separators:
# mail and HTTP headers break on them, and a one-line text never needs them.
LINE_BREAKING_CATEGORIES = {"Cc", "Zl", "Zp"}


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(char) in LINE_BREAKING_CATEGORIES for char in value)


def validate_single_line(value: str) -> None:
    """For titles, subjects and names: they reach email subjects and headers, where a line
    break either stops the email (BadHeaderError) or starts a header of the writer's choosing."""
    if has_control_characters(value):
        raise ValidationError(
            "Use a single line of text without control characters.", code="control_characters"
        )


def single_line(value: str) -> str:
    """`value` with every control character and run of whitespace as one space: the last guard
    before a value goes into an email header, for rows stored before validate_single_line."""
    return " ".join(
        "".join(
            " " if unicodedata.category(char) in LINE_BREAKING_CATEGORIES else char
            for char in value
        ).split()
    )

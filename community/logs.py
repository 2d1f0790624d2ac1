"""Logs that name nobody: email addresses and IP addresses never reach a log line."""

import logging
import re

EMAIL = re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[A-Za-z]{2,}")
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
# Groups of hex digits joined by colons; an address has "::" or at least three colons, so a
# clock time (12:30:45) is not taken for one.
IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")


def redact(text: str) -> str:
    text = EMAIL.sub("[email]", text)
    text = IPV4.sub("[ip]", text)
    return IPV6.sub(lambda m: "[ip]" if _looks_like_ipv6(m.group()) else m.group(), text)


def _looks_like_ipv6(value: str) -> bool:
    return "::" in value or value.count(":") >= 3


class RedactPersonalData(logging.Filter):
    """Rewrites every record's message without email or IP addresses, and drops the request
    object Django attaches (its repr holds the query string, a formatter would print it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        for name in ("request", "server_time"):
            record.__dict__.pop(name, None)
        return True

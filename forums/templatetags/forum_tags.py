"""Faces and times for the forum pages: letter avatars drawn on the server, and "3 min" with
the exact time in the title.

An avatar is an inline SVG: the member's initials on a colour derived from their id. Nothing is
fetched from another site (no Gravatar), nothing is uploaded, and the page's CSP is untouched
(presentation attributes are not inline styles).
"""

import html
import re
from datetime import datetime, timedelta
from functools import lru_cache

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

register = template.Library()

# Hues spread by the golden angle, so neighbouring ids get clearly different colours; each is
# darkened until white initials have a contrast of at least 4.5:1 (yellows need more than blues).
GOLDEN_ANGLE = 137.508
FORMER_MEMBER_COLOUR = "#6b7280"


@lru_cache(maxsize=10_000)  # the same colour for a member on every page: worked out once
def avatar_colour(user_id: int | None) -> str:
    if not user_id:
        return FORMER_MEMBER_COLOUR
    hue = (user_id * GOLDEN_ANGLE) % 360
    lightness = 0.42
    while _contrast_with_white(colour := _hsl_to_hex(hue, 0.55, lightness)) < 4.6:
        lightness -= 0.02
    return colour


def _contrast_with_white(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return 1.05 / (luminance + 0.05)


def _hsl_to_hex(hue: float, saturation: float, lightness: float) -> str:
    chroma = (1 - abs(2 * lightness - 1)) * saturation
    x = chroma * (1 - abs((hue / 60) % 2 - 1))
    m = lightness - chroma / 2
    sector = int(hue // 60) % 6
    r, g, b = [
        (chroma, x, 0),
        (x, chroma, 0),
        (0, chroma, x),
        (0, x, chroma),
        (x, 0, chroma),
        (chroma, 0, x),
    ][sector]
    return "#" + "".join(f"{round((v + m) * 255):02x}" for v in (r, g, b))


def initials(name: str) -> str:
    """Up to two letters: the first of the first two words, or the first two of one word."""
    words = [w for w in name.replace(".", " ").replace("_", " ").replace("-", " ").split() if w]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].capitalize()
    return (words[0][0] + words[1][0]).upper()


@register.simple_tag
def avatar(user, size: int = 40, decorative: bool = True):
    """The member's letter avatar. Decorative by default (the name is always written beside
    it); otherwise it is an image named after the member."""
    name = user.public_name if user else "A former member"
    letters = initials(name) if user else "?"
    label = (
        format_html('role="img" aria-label="{}"', name)
        if not decorative
        else mark_safe('aria-hidden="true"')
    )
    return format_html(
        '<svg class="avatar" width="{size}" height="{size}" viewBox="0 0 40 40" {label} '
        'focusable="false"><circle cx="20" cy="20" r="20" fill="{colour}"/>'
        # The letters' weight and typeface come from the stylesheet (.avatar text): a list
        # page draws a hundred of these.
        '<text x="20" y="20" dy=".35em" text-anchor="middle" fill="#fff" font-size="{font}">'
        "{letters}</text></svg>",
        size=size,
        label=label,
        colour=avatar_colour(user.pk if user else None),
        font=16 if len(letters) > 1 else 18,
        letters=letters,
    )


@register.simple_tag
def swatch(colour: str, size: int = 12):
    """A category's colour as a small square (an attribute, not an inline style: CSP)."""
    return format_html(
        '<svg class="swatch" width="{size}" height="{size}" viewBox="0 0 12 12" '
        'aria-hidden="true" focusable="false"><rect width="12" height="12" rx="3" fill="{colour}"/>'
        "</svg>",
        size=size,
        colour=colour or FORMER_MEMBER_COLOUR,
    )


def relative(moment: datetime, now: datetime | None = None) -> str:
    """ "just now", "3 min", "5 h", "yesterday", "4 days", "12 Mar", "Mar 2023"."""
    now = now or timezone.now()
    elapsed = now - moment
    if elapsed < timedelta(minutes=1):
        return "just now"
    if elapsed < timedelta(hours=1):
        return f"{int(elapsed.total_seconds() // 60)} min"
    local_now, local = timezone.localtime(now), timezone.localtime(moment)
    days = (local_now.date() - local.date()).days
    if elapsed < timedelta(hours=12) or days == 0:
        return f"{int(elapsed.total_seconds() // 3600)} h"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days"
    if local.year == local_now.year:
        return date_format(local, "j M")
    return date_format(local, "M Y")


@register.filter
def ago(moment):
    """A <time> element: the relative time, the exact one in its title and datetime."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.isoformat(),
        date_format(local, "l j F Y, H:i"),
        relative(moment),
    )


@register.filter
def compact(number) -> str:
    """1234 -> "1.2k", for view and reply counts."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        return ""
    if number < 1000:
        return str(number)
    if number < 10_000:
        return f"{number / 1000:.1f}k".replace(".0k", "k")
    if number < 1_000_000:
        return f"{number // 1000}k"
    return f"{number / 1_000_000:.1f}M".replace(".0M", "M")


@register.filter
def plaintext(rendered: str) -> str:
    """A post's stored HTML as plain text on one line (for excerpts: never raw Markdown)."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(rendered or ""))).strip()

"""Markdown to safe HTML: markdown-it-py parses, nh3 keeps only an allow-list of tags.

Raw HTML in the source is never passed through, links to other sites carry
rel="nofollow noopener noreferrer ugc" (P4) and only http(s) and mailto URLs survive.
"""

import re
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a",
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "span": {"class"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)


def render_markdown(source: str) -> str:
    return sanitise(_parser.render(source))


def sanitise(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes; mark every link rel (P4)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )


def link_host(href: str) -> str | None:
    """The other site a link leads to, or None when it stays on this one (a path, a query, a
    fragment, mailto:).

    Read as browsers read it, so that no spelling of another site passes as a local link: any
    scheme in any case, protocol-relative "//host", backslashes taken as slashes ("/\\host"),
    tabs and newlines dropped, and "http:host" or "http:/host" still going to that host.
    """
    try:
        parts = urlsplit(re.sub(r"[\t\n\r]", "", href).strip().replace("\\", "/"))
    except ValueError:  # "//[broken-ipv6": a host nobody can vouch for
        return href
    if parts.netloc:
        return parts.hostname or parts.netloc
    if parts.scheme in ("http", "https"):
        return parts.path.lstrip("/").split("/")[0] or None
    return None

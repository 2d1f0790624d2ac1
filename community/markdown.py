"""Markdown to safe HTML: markdown-it-py parses, nh3 keeps only an allow-list of tags.

Raw HTML in the source is never passed through, links to other sites carry
rel="nofollow noopener noreferrer ugc" (P4) and only http(s) and mailto URLs survive.
"""

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

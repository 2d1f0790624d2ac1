"""Post Markdown: the site's renderer (community.markdown) plus what a forum needs.

- @username links to that member's profile (only for members who exist);
- links to other sites get class="external" and a title, so they are visibly marked (P4);
- images are never embedded (they would tell another site who reads the post): they become links;
- quoting another post is a Markdown blockquote that starts with "@author wrote:".
The result is stored on the post when it is saved, not rendered on every view.

`without_member` takes an erased member out of a post's Markdown (P13).
"""

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from community.markdown import link_host, sanitise

from .models import Post, User

MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9][A-Za-z0-9._-]{1,28}[A-Za-z0-9_-])")
QUOTE_DEPTH = re.compile(r"[ \t]*((?:>[ \t]*)*)")
FORMER_MEMBER = "a former member"
REMOVED_QUOTE = "(A quote from a removed post.)"


def _link(href: str, css_class: str, title: str = "") -> Token:
    token = Token("link_open", "a", 1)
    token.attrSet("href", href)
    token.attrSet("class", css_class)
    if title:
        token.attrSet("title", title)
    return token


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _mention_tokens(text: str, members: set[str]) -> list[Token]:
    tokens, start = [], 0
    for match in MENTION.finditer(text):
        username = match.group(1)
        if username.lower() not in members:
            continue
        tokens.append(_text(text[start : match.start()]))
        tokens += [
            _link(f"/u/{username}/", "mention"),
            _text(match.group(0)),
            Token("link_close", "a", -1),
        ]
        start = match.end()
    tokens.append(_text(text[start:]))
    return tokens


def _forum_rules(state) -> None:
    members = state.env.get("members", set())
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, in_link = [], 0
        for token in block.children:
            if token.type == "link_open":
                in_link += 1
                host = link_host(token.attrGet("href") or "")
                if host:
                    token.attrSet("class", "external")
                    if not token.attrGet("title"):
                        token.attrSet("title", f"Link to another site: {host}")
            elif token.type == "link_close":
                in_link -= 1
            elif token.type == "image":
                src = token.attrGet("src") or ""
                alt = token.content or "image"
                title = f"Image on another site: {link_host(src) or src}"
                children += [
                    _link(src, "external image-link", title),
                    _text(f"Image: {alt}"),
                    Token("link_close", "a", -1),
                ]
                continue
            elif token.type == "text" and not in_link and "@" in token.content:
                children += _mention_tokens(token.content, members)
                continue
            children.append(token)
        block.children = children


_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"]
)
_parser.core.ruler.push("forum_rules", _forum_rules)


def render_post(source: str) -> str:
    mentioned = {name for name in MENTION.findall(source)}
    members = set()
    if mentioned:
        members = {
            name.lower()
            for name in User.objects.filter(username__in=mentioned, is_active=True).values_list(
                "username", flat=True
            )
        }
    return sanitise(_parser.render(source, {"members": members}))


def _depth(line: str) -> int:
    return QUOTE_DEPTH.match(line).group(1).count(">")


def without_member(source: str, username: str, *, quotes_removed: bool) -> str:
    """`source` with an erased member's name taken out: their quotes are headed "A former
    member wrote:", or, when their posts were removed, each passage quoted from them becomes a
    short marker; mentions of them read "a former member"."""
    header = re.compile(rf"((?:>[ \t]*)+)@{re.escape(username)} wrote:[ \t]*$", re.IGNORECASE)
    lines, inside_removed = [], None
    for line in source.splitlines():
        depth = _depth(line)
        if inside_removed is not None:
            if depth >= inside_removed:
                continue
            inside_removed = None
        if found := header.match(line.lstrip()):
            if quotes_removed:
                lines.append(f"{found.group(1)}{REMOVED_QUOTE}")
                inside_removed = depth
                continue
            line = f"{found.group(1)}{FORMER_MEMBER.capitalize()} wrote:"
        lines.append(line)

    def unname(match):
        return FORMER_MEMBER if match.group(1).lower() == username.lower() else match.group(0)

    return MENTION.sub(unname, "\n".join(lines))


def quote(post: Post) -> str:
    """Markdown that quotes a post, for the reply box."""
    author = f"@{post.author.username}" if post.author else FORMER_MEMBER.capitalize()
    body = "\n".join(f"> {line}" if line else ">" for line in post.source.strip().splitlines())
    return f"> {author} wrote:\n>\n{body}\n\n"

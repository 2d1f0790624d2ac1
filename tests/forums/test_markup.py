import pytest

from community.markdown import link_host
from forums.markup import quote, render_post

from ..factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

REL = 'rel="nofollow noopener noreferrer ugc"'


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="https://example.org" onclick="alert(1)">raw</a>',
        "<iframe src=https://evil.example></iframe>",
    ],
)
def test_dangerous_markup_renders_inert(source):
    html = render_post(source)
    assert "<script" not in html
    assert "<img" not in html and "<iframe" not in html
    assert "onerror=" not in html.replace("onerror=alert", "") or "&lt;img" in html
    assert 'href="javascript:' not in html and 'href="data:' not in html
    assert "onclick" not in html or "&lt;a" in html


def test_raw_html_is_shown_as_text_not_markup():
    assert render_post("<b>bold?</b>") == "<p>&lt;b&gt;bold?&lt;/b&gt;</p>\n"


def test_external_links_carry_rel_values_and_are_visibly_marked():
    html = render_post("See [the guide](https://example.org/guide).")
    assert REL in html
    assert 'class="external"' in html
    assert 'title="Link to another site: example.org"' in html


@pytest.mark.parametrize(
    "href",
    [
        "//evil.example/page",
        "HTTP://evil.example/page",
        "HtTpS://evil.example/page",
        "/\\/evil.example/page",  # Markdown unescapes it to //evil.example
        "<//evil.example/page>",
        "http:/evil.example/page",
        "https:evil.example/page",
    ],
)
def test_a_link_with_a_host_is_external_whatever_its_spelling(href):
    html = render_post(f"See [this]({href}) and [that][ref].\n\n[ref]: {href}")
    assert html.count('class="external"') == 2
    assert html.count('title="Link to another site: evil.example"') == 2
    assert html.count(REL) == 2


@pytest.mark.parametrize(
    "href, host",
    [
        ("//evil.example", "evil.example"),
        ("/\\evil.example/x", "evil.example"),
        ("\\\\evil.example", "evil.example"),
        ("\t//EVIL.example", "evil.example"),
        ("ftp://files.example/x", "files.example"),
        ("/t/1/hello/", None),
        ("?page=2", None),
        ("#post-3", None),
        ("mailto:dpo@example.org", None),
    ],
)
def test_link_host_reads_a_link_as_a_browser_does(href, host):
    assert link_host(href) == host


def test_internal_links_are_not_marked_external():
    html = render_post("See [topic](/t/1/hello/), [page 2](?page=2) and [post](#post-3).")
    assert 'class="external"' not in html


def test_images_are_links_never_embedded():
    html = render_post("![a chart](https://example.org/chart.png)")
    assert "<img" not in html
    assert 'href="https://example.org/chart.png"' in html and "Image: a chart" in html


def test_mentions_of_members_link_to_their_profile():
    UserFactory(username="amina")
    html = render_post("Thanks @amina, and hello @nobody-here.")
    assert '<a href="/u/amina/" class="mention"' in html
    assert "@nobody-here" in html and "/u/nobody-here/" not in html


def test_mentions_in_code_and_email_addresses_are_left_alone():
    UserFactory(username="amina")
    html = render_post("`@amina` and mail amina@amina.example")
    assert "/u/amina/" not in html


def test_quote_makes_a_blockquote_naming_the_author():
    post = PostFactory(author=UserFactory(username="ben"), source="Line one\n\nLine two")
    source = quote(post)
    assert source.startswith("> @ben wrote:")
    html = render_post(source)
    assert html.startswith("<blockquote>") and "Line two" in html and "/u/ben/" in html

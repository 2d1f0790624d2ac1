"""The forum as a newcomer sees it, in Debian's Chromium at desktop and phone size (issue 16).

Each test saves screenshots under var/screenshots/look/ (1280x900 and 390x844) and checks what
a reader would notice: post text on a phone's first screen with the cookie bar present, a bar
that takes at most a quarter of a phone's screen and covers nothing that cannot be scrolled
clear, the keyboard order (skip link, then the bar), no errors in the browser's console (a
Content-Security-Policy violation shows there), and the composer with and without JavaScript.
"""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from forums.models import Topic

from .conftest import load_site_data
from .test_cookie_banner import wait_for_consent_cookie

SHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots" / "look"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PASSWORD = "community-member-demo"


@pytest.fixture
def site(live_server):
    """The live site with its policies, wordings and cookie groups, and the demo community."""
    load_site_data()
    call_command("seed_demo", "--members", "40", "--topics", "26", "--posts", "400", "--force")
    return live_server.url


class Page:
    """A browser tab that refuses anything from outside the site and remembers console errors."""

    def __init__(self, browser, site, size, **options):
        self.site = site
        self.context = browser.new_context(
            viewport=SIZES[size], is_mobile=size == "phone", **options
        )
        # Nothing from outside the site.
        self.context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(site) else route.abort()
            ),
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )

    def go(self, path):
        self.page.goto(self.site + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def shot(self, name, size):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SHOTS / f"{name}-{size}.png")

    def log_in(self, username="amina"):
        page = self.go("/accounts/login/")
        page.fill("input[name=login]", username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main").get_by_role("button", name="Log in", exact=True).click()
        page.wait_for_load_state("networkidle")

    def close(self):
        self.context.close()


def busiest_topic() -> Topic:
    return Topic.objects.order_by("-reply_count").first()


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_the_forum_for_a_visitor(browser, site, size):
    tab = Page(browser, site, size)
    topic = busiest_topic()
    for name, path in [
        ("home", "/"),
        ("category", topic.category.get_absolute_url()),
        ("topic-visitor", topic.get_absolute_url()),
        ("search", "/search/?q=coaching"),
        ("sign-up", "/accounts/signup/"),
    ]:
        tab.go(path)
        tab.shot(name, size)
    assert tab.errors == []
    tab.close()


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_for_a_member(browser, site, size):
    tab = Page(browser, site, size)
    tab.log_in()
    topic = busiest_topic()
    tab.go(topic.get_absolute_url())
    tab.shot("topic-member", size)
    tab.go("/privacy/my-data/")
    tab.shot("my-data", size)
    assert tab.errors == []
    tab.close()


def test_on_a_phone_the_post_text_starts_on_the_first_screen_beside_the_cookie_bar(browser, site):
    tab = Page(browser, site, "phone")
    page = tab.go(busiest_topic().get_absolute_url())
    bar = page.locator("#cookie-banner")
    assert bar.is_visible()
    bar_box = bar.bounding_box()
    assert bar_box["height"] <= SIZES["phone"]["height"] / 4
    text = page.locator(".post .post-body").first.bounding_box()
    assert text["y"] + 24 <= bar_box["y"], "the first line of the first post is hidden"
    tab.shot("cookie-banner", "phone")
    tab.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_cookie_bar_covers_nothing_that_cannot_be_scrolled_clear(browser, site, size):
    tab = Page(browser, site, size)
    page = tab.go("/")
    page.get_by_text("Choose", exact=True).click()
    tab.shot("cookie-banner-choose", size)
    page.get_by_text("Choose", exact=True).click()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    bar = page.locator("#cookie-banner").bounding_box()
    for landmark in ("main", "footer.site-footer"):
        box = page.locator(landmark).bounding_box()
        assert box["y"] + box["height"] <= bar["y"] + 1, landmark
    if size == "desktop":
        tab.shot("cookie-banner", size)
    tab.close()


def test_keyboard_order_is_skip_link_then_the_cookie_bar(browser, site):
    tab = Page(browser, site, "desktop")
    page = tab.go("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('#cookie-banner')")
    tab.close()


def test_the_bar_asks_only_about_cookies_in_use(browser, site):
    tab = Page(browser, site, "phone")
    page = tab.go("/")
    bar = page.locator("#cookie-banner")
    assert "preferences" in bar.inner_text().lower()
    assert "analytics" not in bar.inner_text().lower()  # no analytics script configured
    page.get_by_role("button", name="Accept all").click()
    page.get_by_text("Your cookie choices are saved").wait_for()
    wait_for_consent_cookie(page)  # the choice is posted in the background
    page = tab.go("/")
    assert page.locator("#cookie-banner").count() == 0
    tab.close()


def test_preview_without_javascript(browser, site):
    tab = Page(browser, site, "desktop", java_script_enabled=False)
    tab.log_in()
    page = tab.go(busiest_topic().get_absolute_url())
    page.fill("#id_source", "A **bold** idea")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".preview .post-body strong").inner_text() == "bold"
    assert page.locator("#id_source").input_value() == "A **bold** idea"
    tab.close()


def test_live_preview_and_drafts_kept_only_with_consent(browser, site):
    tab = Page(browser, site, "desktop")
    tab.log_in()
    url = busiest_topic().get_absolute_url()
    page = tab.go(url)
    page.get_by_role("button", name="Preview").click()
    page.fill("#id_source", "Live _preview_ here")
    page.locator(".preview .post-body em").filter(has_text="preview").wait_for()
    page.wait_for_timeout(800)
    assert page.evaluate("Object.keys(localStorage).length") == 0  # no consent: no draft
    page.get_by_role("button", name="Accept all").click()
    page.get_by_text("Your cookie choices are saved").wait_for()
    wait_for_consent_cookie(page)
    page = tab.go(url)
    page.fill("#id_source", "A long reply I do not want to lose")
    page.wait_for_timeout(800)
    page = tab.go(url)
    assert page.locator("#id_source").input_value() == "A long reply I do not want to lose"
    assert page.get_by_text("Your draft from this browser is back.").is_visible()
    tab.shot("composer-draft", "desktop")
    assert tab.errors == []
    tab.close()

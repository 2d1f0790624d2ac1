"""The cookie banner in a real browser (P19-P21): Debian's Chromium driven by Playwright against
a live server, reading the browser's own cookie jar and DOM.

The optional analytics and social scripts point at made-up https addresses that the browser
context answers itself (nothing is fetched from the internet): the analytics one sets a cookie,
as a real service would, so withdrawal can be seen removing it.
"""

import copy
import importlib

import pytest
from django.apps import apps

from privacy.models import CookieConsentReceipt

ANALYTICS_URL = "https://analytics.example.test/script.js"
SOCIAL_URL = "https://social.example.test/buttons.js"
ANALYTICS_COOKIE = "_example_analytics"
NECESSARY = {"sessionid", "csrftoken", "cookie_consent", "messages"}
THIRD_PARTY_SCRIPTS = 'script[data-cookie-group="analytics"], script[data-cookie-group="social"]'


@pytest.fixture
def site(live_server, settings):
    """The live site with its cookie groups (a transactional test's flush removes what the data
    migration loaded), and both optional scripts configured and allowed by the CSP."""
    importlib.import_module("privacy.migrations.0006_cookie_groups").load(apps, None)
    # The bar's current wording (a flush removes what data migrations add).
    importlib.import_module("privacy.migrations.0016_short_cookie_banner_wording").add_wording(
        apps, None
    )
    from cookie_consent.models import Cookie, CookieGroup

    Cookie.objects.create(  # as staff declare the cookie of the service they configure
        cookiegroup=CookieGroup.objects.get(varname="analytics"),
        name=ANALYTICS_COOKIE,
        description="Set by the analytics service to count visits.",
    )
    settings.ANALYTICS_SCRIPT_URL = ANALYTICS_URL
    settings.SOCIAL_SHARE_SCRIPT_URL = SOCIAL_URL
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["script-src"] += [
        "https://analytics.example.test",
        "https://social.example.test",
    ]
    settings.CONTENT_SECURITY_POLICY = policy
    return live_server.url


def new_page(browser, site, **context_options):
    context = browser.new_context(**context_options)

    def answer(route):
        url = route.request.url
        if url.startswith(site):
            route.continue_()
        elif url == ANALYTICS_URL:
            route.fulfill(
                content_type="text/javascript",
                body=f"document.cookie = '{ANALYTICS_COOKIE}=1; path=/; max-age=3600';",
            )
        elif url == SOCIAL_URL:
            route.fulfill(
                content_type="text/javascript",
                body="document.documentElement.dataset.socialButtons = 'loaded';",
            )
        else:  # nothing from the internet
            route.abort()

    context.route("**/*", answer)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def cookie_names(page) -> set[str]:
    return {cookie["name"] for cookie in page.context.cookies()}


def consent_cookie(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "cookie_consent")


def wait_for_consent_cookie(page):
    """The module posts the choice in the background: wait until its answer is in the jar."""
    for _ in range(50):
        if "receipt=" in next(
            (c["value"] for c in page.context.cookies() if c["name"] == "cookie_consent"), ""
        ):
            return
        page.wait_for_timeout(100)
    pytest.fail("The choice never reached the consent cookie")


def banner(page):
    return page.get_by_role("region", name="Cookies: your choice")


def test_first_visit_sets_only_necessary_cookies_and_shows_the_banner(browser, site):
    page = new_page(browser, site)
    page.goto(site + "/")
    page.wait_for_load_state("networkidle")
    assert banner(page).is_visible()
    for name in ("Accept all", "Reject all"):
        assert page.get_by_role("button", name=name).is_visible()
    assert page.get_by_text("Choose", exact=True).is_visible()
    assert cookie_names(page) <= NECESSARY
    assert page.locator(THIRD_PARTY_SCRIPTS).count() == 0
    page.context.close()


def test_reject_all_hides_the_banner_and_keeps_everything_optional_out(browser, site):
    page = new_page(browser, site)
    page.goto(site + "/")
    page.wait_for_load_state("networkidle")  # the library's module has taken over the banner
    page.get_by_role("button", name="Reject all").click()
    # The library's module saved the choice in the background: no page load, focus moved to
    # the announcement.
    announcement = page.locator("#cookie-choice-status:focus")
    announcement.filter(has_text="Your cookie choices are saved").wait_for()
    assert banner(page).count() == 0
    page.wait_for_function("() => performance.getEntriesByType('navigation').length === 1")
    wait_for_consent_cookie(page)
    assert "analytics=-1" in consent_cookie(page) and "social=-1" in consent_cookie(page)
    for path in ("/", "/privacy/", "/privacy/cookies/"):
        page.goto(site + path)
        assert banner(page).count() == 0, path
        assert page.locator(THIRD_PARTY_SCRIPTS).count() == 0, path
        assert page.evaluate("document.documentElement.dataset.socialButtons") is None
        assert cookie_names(page) <= NECESSARY, path
    receipt = CookieConsentReceipt.objects.get()
    assert receipt.accepted == {} and set(receipt.declined) == {
        "preferences",
        "analytics",
        "social",
    }
    page.context.close()


def test_accept_all_loads_them_and_withdrawing_removes_the_cookies(browser, site):
    page = new_page(browser, site)
    page.goto(site + "/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Accept all").click()
    page.locator("#cookie-choice-status").filter(
        has_text="Your cookie choices are saved"
    ).wait_for()
    wait_for_consent_cookie(page)
    page.goto(site + "/privacy/")
    page.wait_for_load_state("networkidle")
    assert page.locator('script[data-cookie-group="analytics"]').count() == 1
    assert page.locator('script[data-cookie-group="social"]').count() == 1
    assert page.evaluate("document.documentElement.dataset.socialButtons") == "loaded"
    assert ANALYTICS_COOKIE in cookie_names(page)

    page.get_by_role("link", name="Cookie settings").click()
    page.get_by_role("button", name="Reject all").click()
    page.get_by_text("Your cookie choices are saved.").wait_for()
    assert ANALYTICS_COOKIE not in cookie_names(page)
    assert cookie_names(page) <= NECESSARY
    assert page.locator(THIRD_PARTY_SCRIPTS).count() == 0
    assert page.get_by_role("switch", name="Analytics").is_checked() is False
    receipt = CookieConsentReceipt.objects.get(replaced_at__isnull=True)
    assert str(receipt.consent_id) in page.content()
    page.context.close()


def test_the_banner_works_by_keyboard_alone(browser, site):
    page = new_page(browser, site)
    page.goto(site + "/")
    page.wait_for_load_state("networkidle")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Choose":
            break
    else:
        pytest.fail("Tab never reached the banner's Choose button")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "preferences"
    page.keyboard.press("Space")
    for _ in range(3):  # past the analytics and social switches, to the save button
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save my choices"
    page.keyboard.press("Enter")
    page.get_by_text("Your cookie choices are saved.").wait_for()
    assert banner(page).count() == 0
    receipt = CookieConsentReceipt.objects.get()
    assert set(receipt.accepted) == {"preferences"}
    assert set(receipt.declined) == {"analytics", "social"}
    page.context.close()


def test_the_banner_works_without_javascript(browser, site):
    page = new_page(browser, site, java_script_enabled=False)
    page.goto(site + "/privacy/terms/")
    assert banner(page).is_visible()
    page.get_by_role("button", name="Reject all").click()
    page.get_by_text("Your cookie choices are saved.").wait_for()
    assert page.url == site + "/privacy/terms/"
    assert banner(page).count() == 0
    assert "social=-1" in consent_cookie(page)

    page.goto(site + "/privacy/cookies/settings/")
    page.get_by_role("switch", name="Social media").check()
    page.get_by_role("button", name="Save my choices").click()
    page.get_by_text("Your cookie choices are saved.").wait_for()
    assert page.locator('script[data-cookie-group="social"]').count() == 1
    assert page.locator('script[data-cookie-group="analytics"]').count() == 0
    page.context.close()


@pytest.mark.parametrize(
    "name, viewport",
    [("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 390, "height": 844})],
)
def test_screenshot_of_the_banner_and_it_covers_no_content(
    browser, site, name, viewport, screenshots
):
    page = new_page(browser, site, viewport=viewport, is_mobile=name == "phone")
    page.goto(site + "/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=screenshots / f"cookie-banner-{name}.png")
    # A bar at the foot of the screen, a quarter of it at most, with the page starting above it.
    bar = page.locator("#cookie-banner").bounding_box()
    assert abs(bar["y"] + bar["height"] - viewport["height"]) <= 1
    assert bar["height"] <= viewport["height"] / 4
    assert page.locator("main h1, main h2").first.bounding_box()["y"] < bar["y"]
    # At the end of the page nothing is left behind it: the footer ends above the bar.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(100)
    bar = page.locator("#cookie-banner").bounding_box()
    footer = page.locator("footer").last.bounding_box()
    assert footer["y"] + footer["height"] <= bar["y"] + 1
    page.context.close()

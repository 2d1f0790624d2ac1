"""Real-browser tests: Debian's Chromium driven by Playwright against a live server. Every test
here is marked `browser`, and skipped with a message where Chromium is not installed."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    missing = pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"Debian's Chromium is not installed at {CHROMIUM}: `apt-get install chromium` "
        "(.ci/run installs it)",
    )
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(missing)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, so Django would refuse the tests'
    # own (synchronous) database calls. Only while these tests run: a subprocess started by
    # another test (`manage.py check --deploy`) must not inherit the switch.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshots() -> Path:
    """Where browser tests keep their screenshots for people to look at (var/screenshots/)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# Data migrations whose rows the pages need: a transactional test's flush removes them.
SITE_DATA = [
    ("privacy.migrations.0002_first_policies_and_wordings", "load"),
    ("privacy.migrations.0006_cookie_groups", "load"),
    ("privacy.migrations.0007_newsletter_and_policy_notices", "add_wordings"),
    ("privacy.migrations.0013_consent_email_hash", "add_erasure_wording"),
    ("privacy.migrations.0016_short_cookie_banner_wording", "add_wording"),
    ("privacy.migrations.0017_declare_composer_drafts", "declare"),
]


def load_site_data() -> None:
    """Policies, wordings and cookie groups, as the data migrations load them."""
    for module, function in SITE_DATA:
        getattr(importlib.import_module(module), function)(apps, None)


def sign_in(context, base_url: str, user) -> None:
    """Give a browser context the session cookie of `user` (a member without a second factor),
    as the login form would, for pages whose test is not about signing in."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": base_url, "httpOnly": True}]
    )

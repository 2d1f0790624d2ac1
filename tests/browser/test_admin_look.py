"""The admin's data requests in Debian's Chromium (issue 16): a request's page at desktop and
phone size, with the due date, days left and next step at the top, saved with the other look
screenshots under var/screenshots/look/; the list fits a 1280 px screen with its due date, days
left and handler in view."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from forums.models import Report
from privacy.models import DataRequest
from privacy.requests import state
from tests.factories import StaffFactory, TopicFactory, UserFactory

from .conftest import load_site_data
from .test_look import SHOTS, SIZES

Kind = DataRequest.Kind


@pytest.fixture
def officer_site(live_server):
    """The live site with a few requests in different states, and an administrator's session
    (signed in with a second factor, as the admin requires)."""
    load_site_data()
    officer = StaffFactory(username="priya.officer", second_factor=True)
    today = timezone.localdate()
    # A member's erasure would run at once: a visitor's waits for staff.
    erasure = state.create(
        kind=Kind.ERASURE,
        email="ben@example.net",
        details="Please remove everything you hold about me.",
    )
    state.confirm(erasure, by=officer)
    state.wait_on_requester(erasure, by=officer, note="Which address did you sign up with?")
    DataRequest.objects.filter(pk=erasure.pk).update(due_date=today + timedelta(days=5))
    for n, kind in enumerate([Kind.RECTIFICATION, Kind.OBJECTION, Kind.WITHDRAW_CONSENT]):
        other = state.create(kind=kind, user=UserFactory(), details="Please fix my job title.")
        DataRequest.objects.filter(pk=other.pk).update(due_date=today + timedelta(days=n * 9 - 2))
    state.start(other, by=officer)  # a handler in the list
    topic = TopicFactory(title="Night shift handover")
    for n in range(3):
        Report.objects.create(post=topic.posts.get(), reporter=UserFactory(), reason=f"Spam {n}")
    client = Client()
    client.force_login(officer)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }
    return live_server.url, cookie, erasure


def admin_tab(browser, site, cookie, size):
    context = browser.new_context(viewport=SIZES[size], is_mobile=size == "phone")
    context.add_cookies([cookie])
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_a_data_request_in_the_admin(browser, officer_site, size):
    site, cookie, erasure = officer_site
    context, page, errors = admin_tab(browser, site, cookie, size)
    page.goto(f"{site}/admin/privacy/datarequest/{erasure.pk}/change/")
    summary = page.locator(".request-summary")
    assert "5 days" in summary.inner_text()
    first_step = summary.get_by_role("button", name="Start work")
    assert first_step.is_visible()
    if size == "desktop":  # the next step is on the first screen
        box = first_step.bounding_box()
        assert box["y"] + box["height"] <= SIZES[size]["height"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"admin-request-detail-{size}.png")
    page.screenshot(path=SHOTS / f"admin-request-detail-full-{size}.png", full_page=True)
    assert errors == []
    context.close()


def test_the_request_list_fits_a_1280_px_screen(browser, officer_site):
    site, cookie, _ = officer_site
    context, page, errors = admin_tab(browser, site, cookie, "desktop")
    page.goto(f"{site}/admin/privacy/datarequest/")
    page.screenshot(path=SHOTS / "admin-requests-desktop.png")
    width = SIZES["desktop"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The table scrolls inside its own box when it is too wide: it must not need to.
    results = page.locator("#changelist .results")
    overflow = results.evaluate("box => box.scrollWidth - box.clientWidth")
    assert overflow <= 0, f"the list is {overflow} px too wide"
    right = results.bounding_box()["x"] + results.bounding_box()["width"]
    for column in ("Due", "Days left", "Handler"):
        header = page.locator("#result_list thead th").filter(has_text=column).first
        box = header.bounding_box()
        assert box["x"] + box["width"] <= min(width, right + 1), column
    assert page.locator("#result_list tbody tr").count() == 4  # pending only, by default
    assert errors == []
    context.close()


def test_the_admin_index_says_what_waits(browser, officer_site):
    site, cookie, _ = officer_site
    context, page, errors = admin_tab(browser, site, cookie, "desktop")
    page.goto(f"{site}/admin/")
    assert "3 open reports waiting" in page.locator("#moderation-queue-notice").inner_text()
    assert "4 pending" in page.locator("#data-request-dashboard").inner_text()
    page.screenshot(path=SHOTS / "admin-index-desktop.png")
    assert errors == []
    context.close()

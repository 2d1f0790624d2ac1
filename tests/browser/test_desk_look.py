"""The privacy officer's desk in Debian's Chromium (issue 15): a screenshot for people to look at
(var/screenshots/desk/desk.png) and no accessibility violation axe-core finds in the desk itself.
"""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.utils import timezone

from privacy.models import DataRequest, UndeclaredCookie
from privacy.requests import state
from tests.factories import StaffFactory, UserFactory, subscribe_to_newsletter

from .conftest import load_site_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk_site(live_server, settings):
    """The live site with a few things for the officer to see: an overdue request, one due soon,
    an undeclared cookie, newsletter opt-ins."""
    load_site_data()
    settings.DPO_EMAIL = "dpo@community.example"
    for _ in range(6):
        subscribe_to_newsletter(user=UserFactory())
    late = state.create(kind=DataRequest.Kind.RECTIFICATION, user=UserFactory(), details="x")
    DataRequest.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - timedelta(days=3))
    state.create(kind=DataRequest.Kind.OBJECTION, user=UserFactory(), details="Profiling")
    UndeclaredCookie.objects.create(name="_tracker_id", times=14)
    return live_server.url


def test_the_desk_reads_well_and_axe_finds_nothing(browser, desk_site, screenshots):
    admin = StaffFactory(username="officer", second_factor=True)
    client = Client()
    client.force_login(admin)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": desk_site}]
    )
    page = context.new_page()
    page.goto(desk_site + "/admin/privacy/desk/")
    assert page.get_by_role("heading", name="Privacy officer's desk").is_visible()
    assert page.locator("#desk-requests").get_by_text("Broken").is_visible()
    assert page.locator("#desk-cookies").get_by_text("_tracker_id", exact=False).is_visible()
    (screenshots / "desk").mkdir(exist_ok=True)
    page.screenshot(path=screenshots / "desk" / "desk.png", full_page=True)
    results = Axe().run(page, context="#content-main")
    assert results.violations_count == 0, results.generate_report()
    context.close()

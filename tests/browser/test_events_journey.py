"""A member's journey through events in Debian's Chromium: register for a free event, buy a paid
ticket with the test provider ("test payment: no money moves"), then open the invoice's PDF from
their account. Screenshots of each step go to var/screenshots/events/."""

import pytest

from forums.events.models import Invoice, Order, Registration

from ..factories import PASSWORD, EventFactory, UserFactory
from ..forums.events.payment_helpers import paid_event
from .conftest import load_site_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, settings, eager_tasks):
    load_site_data()
    settings.SITE_URL = live_server.url  # where the provider sends the buyer back
    return live_server.url


def test_a_member_registers_free_buys_a_paid_ticket_and_opens_the_invoice(
    browser, site, screenshots
):
    shots = screenshots / "events"
    shots.mkdir(exist_ok=True)
    member = UserFactory(display_name="Bea Buyer")
    free, paid = EventFactory(title="Free meetup"), paid_event(price="35.00")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(site) else route.abort(),
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{site}/accounts/login/")
    page.fill("input[name=login]", member.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main").get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state("networkidle")

    page.goto(site + free.get_absolute_url())
    page.screenshot(path=shots / "free-event.png", full_page=True)
    page.locator("main").get_by_role("button", name="Register").click()
    page.wait_for_load_state("networkidle")
    assert Registration.objects.get(event=free).status == Registration.Status.CONFIRMED

    page.goto(site + paid.get_absolute_url())
    page.locator("main").get_by_role("button", name="Register").click()
    page.wait_for_load_state("networkidle")
    assert "/events/orders/" in page.url
    page.fill("input[name=company]", "Buyer & Co")
    page.screenshot(path=shots / "order.png", full_page=True)
    page.get_by_role("button", name="Pay GBP 35.00").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Test payment: no money moves").is_visible()
    page.select_option("select[name=status]", "confirmed")
    page.select_option("select[name=fraud_status]", "accept")
    page.screenshot(path=shots / "test-payment.png", full_page=True)
    page.get_by_role("button", name="Send the test answer").click()
    page.wait_for_load_state("networkidle")
    invoice = Invoice.objects.get()
    assert Order.objects.get().status == Order.Status.PAID
    assert page.get_by_text(f"Invoice {invoice.number} (PDF)").is_visible()
    page.screenshot(path=shots / "paid-order.png", full_page=True)

    page.goto(f"{site}/accounts/profile/")
    page.get_by_role("link", name="Orders and invoices").click()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=shots / "orders.png", full_page=True)
    link = page.get_by_role("link", name=f"Invoice {invoice.number}")
    pdf = page.request.get(site + link.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    assert errors == []
    context.close()

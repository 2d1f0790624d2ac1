"""WCAG 2.2 AA, proven in a real browser: axe-core (bundled by axe-playwright-python, offline)
checks every page a visitor or member reaches, in the light and the dark colour scheme, and the
keyboard alone reaches everything with a focus ring that can be seen.

Adding a page is one line in PAGES: a name, a function of the test's data that returns the
path, and who looks at it: None for a visitor on a first visit (with the cookie banner, except
on the cookie settings page, which is the banner's long form); "choose" for one who opened the
banner's Choose panel; "chose" for one who has made their cookie choice (no banner); "member" for
a signed-in member.
"""

from types import SimpleNamespace

import pytest

from privacy.models import DataRequest
from tests.factories import (
    PASSWORD,
    EventFactory,
    PostFactory,
    ResourceFactory,
    TopicFactory,
    UserFactory,
)

from .axe import AXE_OPTIONS, BLOCKING, DARK_OPTIONS, counts, describe, violations
from .conftest import load_site_data, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    ("home", lambda data: "/", None),
    ("category", lambda data: data.topic.category.get_absolute_url(), None),
    ("topic-visitor", lambda data: data.topic.get_absolute_url(), None),
    ("topic-member", lambda data: data.topic.get_absolute_url(), "member"),
    ("search", lambda data: "/search/?q=headsets", None),
    ("profile", lambda data: f"/u/{data.member.username}/", None),
    ("sign-up", lambda data: "/accounts/signup/", None),
    ("login", lambda data: "/accounts/login/", None),
    ("password-reset", lambda data: "/accounts/password/reset/", None),
    ("account", lambda data: "/accounts/profile/", "member"),
    ("account-email", lambda data: "/accounts/email/", "member"),
    ("account-password", lambda data: "/accounts/password/change/", "member"),
    ("account-two-factor", lambda data: "/accounts/2fa/", "member"),
    ("new-topic", lambda data: data.topic.category.get_absolute_url() + "new/", "member"),
    ("privacy", lambda data: "/privacy/", None),
    ("cookie-policy", lambda data: "/privacy/cookies/", None),
    ("terms", lambda data: "/privacy/terms/", None),
    ("policy-history", lambda data: "/privacy/history/", None),
    ("cookie-settings", lambda data: "/privacy/cookies/settings/", None),
    ("cookie-settings-after-choice", lambda data: "/privacy/cookies/settings/", "chose"),
    ("cookie-banner-choose", lambda data: "/privacy/", "choose"),
    ("newsletter", lambda data: "/privacy/newsletter/", None),
    ("email-preferences", lambda data: "/privacy/preferences/", "member"),
    ("my-data", lambda data: "/privacy/my-data/", "member"),
    ("erase-account", lambda data: "/privacy/my-data/erase/", "member"),
    ("visitor-request", lambda data: "/privacy/requests/new/", None),
    ("resources", lambda data: "/resources/", None),
    ("resource", lambda data: data.resource.get_absolute_url(), None),
    ("feedback", lambda data: "/feedback/", None),
    ("feedback-published", lambda data: "/feedback/published/", None),
    ("transparency", lambda data: "/privacy/transparency/", None),
    ("events", lambda data: "/events/", None),
    ("past-events", lambda data: "/events/?when=past", None),
    ("event-visitor", lambda data: data.event.get_absolute_url(), None),
    ("event-member", lambda data: data.event.get_absolute_url(), "member"),
    ("your-events", lambda data: "/events/mine/", "member"),
    ("orders", lambda data: "/events/orders/", "member"),
]


@pytest.fixture
def data(live_server):
    """A small community: a topic with replies, a member, a published resource, an event."""
    load_site_data()
    member = UserFactory(username="amina")
    topic = TopicFactory(
        title="Which headsets survive a year?",
        source="We tried **three** headsets; here is what broke.\n\n> Quoted wisdom",
        author=member,
    )
    for text in ("Ours lasted two years.", "The cheap ones broke at the hinge."):
        PostFactory(topic=topic, source=text)
    return SimpleNamespace(
        site=live_server.url,
        member=member,
        topic=topic,
        resource=ResourceFactory(),
        event=EventFactory(title="Coaching clinic", topic=topic),
    )


def open_page(browser, data, path, who):
    context = browser.new_context()
    context.route(  # nothing from outside the site
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(data.site) else route.abort()
        ),
    )
    if who == "member":
        sign_in(context, data.site, data.member)
    page = context.new_page()
    page.set_default_timeout(10_000)
    if who == "chose":
        page.goto(data.site + "/privacy/")
        page.get_by_role("button", name="Reject all").click()
        page.get_by_text("Your cookie choices are saved").wait_for()
    page.goto(data.site + path)
    page.wait_for_load_state("networkidle")
    if who == "choose":
        page.locator("#cookie-banner summary").click()
        page.locator("#cookie-banner fieldset").wait_for()
    return page


@pytest.mark.parametrize("name, path_of, who", PAGES, ids=[page[0] for page in PAGES])
def test_no_serious_accessibility_violations(browser, data, name, path_of, who):
    path = path_of(data)
    page = open_page(browser, data, path, who)
    assert page.url == data.site + path, "the page sent the browser elsewhere"
    if who == "chose":
        assert page.locator("#cookie-banner").count() == 0
    report = []
    for scheme, options in (("light", AXE_OPTIONS), ("dark", DARK_OPTIONS)):
        page.emulate_media(color_scheme=scheme)
        found = violations(page, options)
        print(f"AXE {name} {scheme} {counts(found)}")
        blocking = [violation for violation in found if violation["impact"] in BLOCKING]
        if blocking:
            report.append(f"{name} ({scheme}):\n{describe(blocking)}")
    page.context.close()
    assert not report, "\n".join(report)


# Keyboard: the focused element and whether a focus ring can be seen on it (an outline or a
# box shadow, as `:focus-visible` draws them).
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow !== "" && style.boxShadow !== "none");
  return {
    id: element.id,
    text: (element.innerText || element.value || element.getAttribute("aria-label") || "")
      .trim().slice(0, 40),
    tag: element.tagName.toLowerCase(),
    ring: ring,
    in_banner: !!element.closest("#cookie-banner"),
  };
}"""


def tab(page, seen=()) -> dict:
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["tag"] != "body", f"Tab left the page after {[f['text'] for f in seen]}"
    assert focused["ring"], f"no visible focus on {focused}"
    return focused


def tab_until(page, wanted, limit=80) -> dict:
    """Tab (checking the focus ring at every stop) until `wanted(focused)` holds."""
    seen = []
    for _ in range(limit):
        seen.append(focused := tab(page, seen))
        if wanted(focused):
            return focused
    pytest.fail(f"{limit} presses of Tab never reached it: {[f['text'] for f in seen]}")


def test_tab_goes_skip_link_then_the_cookie_banner_then_the_page_with_focus_seen(browser, data):
    page = open_page(browser, data, data.topic.get_absolute_url(), None)
    assert tab(page)["text"] == "Skip to content"
    in_banner = []
    focused = tab(page)
    while focused["in_banner"]:
        in_banner.append(focused["text"])
        focused = tab(page)
    assert in_banner[-3:] == ["Accept all", "Reject all", "Choose"], in_banner
    assert page.evaluate("!!document.activeElement.closest('header')")
    # On through the whole page, each stop with a ring that can be seen, to the footer.
    tab_until(page, lambda f: page.evaluate("!!document.activeElement.closest('footer')"))
    page.context.close()


def test_sign_in_and_reply_with_the_keyboard_alone(browser, data):
    topic = data.topic
    page = open_page(browser, data, f"/accounts/login/?next={topic.get_absolute_url()}", None)
    tab_until(page, lambda f: f["id"] == "id_login")
    page.keyboard.type(data.member.username)
    assert tab(page)["id"] == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(data.site + topic.get_absolute_url())
    page.wait_for_load_state("networkidle")

    tab_until(page, lambda f: f["id"] == "id_source", limit=120)
    page.keyboard.type("Typed without a mouse, **keyboard** only.")
    tab_until(page, lambda f: f["text"] == "Post reply")
    page.keyboard.press("Enter")
    page.locator(".post-body strong").filter(has_text="keyboard").wait_for()
    assert topic.posts.filter(source__startswith="Typed without a mouse").exists()
    page.context.close()


@pytest.mark.parametrize(
    "path", ["/accounts/signup/", "/accounts/login/", "/privacy/requests/new/", "/feedback/"]
)
def test_forms_sent_empty_show_their_errors_accessibly(browser, data, path):
    page = open_page(browser, data, path, None)
    # The server's errors, as for a taken username (the browser's own check would stop first).
    page.locator("main form").first.evaluate("form => { form.noValidate = true }")
    page.locator("main form button[type=submit]").first.click()
    page.locator("main .error, main .form-errors").first.wait_for()
    found = [v for v in violations(page) if v["impact"] in BLOCKING]
    page.context.close()
    assert not found, describe(found)


def test_join_with_the_keyboard_alone(browser, data):
    page = open_page(browser, data, "/accounts/signup/", None)
    for field, text in [
        ("id_username", "keys"),
        ("id_email", "keys@example.net"),
        ("id_password1", PASSWORD),
        ("id_password2", PASSWORD),
    ]:
        tab_until(page, lambda f, field=field: f["id"] == field)
        page.keyboard.type(text)
    tab_until(page, lambda f: f["id"] == "id_accept_terms")
    page.keyboard.press("Space")
    tab_until(page, lambda f: f["text"] == "Create my account")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/signup/" not in url)
    assert type(data.member).objects.filter(username="keys", email="keys@example.net").exists()
    page.context.close()


def test_subscribe_to_the_newsletter_with_the_keyboard_alone(
    browser, data, mailoutbox, eager_tasks
):
    page = open_page(browser, data, "/privacy/newsletter/", None)
    tab_until(page, lambda f: f["id"] == "id_email")
    page.keyboard.type("keys@example.net")
    tab_until(page, lambda f: f["text"] == "Subscribe")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Check your inbox").wait_for()
    assert [message.to for message in mailoutbox] == [["keys@example.net"]]
    page.context.close()


def test_ask_for_a_copy_of_my_data_with_the_keyboard_alone(
    browser, data, eager_tasks, export_storage
):
    page = open_page(browser, data, "/privacy/my-data/", "member")
    tab_until(page, lambda f: f["text"] == "Prepare a copy of my data")
    page.keyboard.press("Enter")
    page.get_by_text("We are preparing a copy of your data").wait_for()
    assert DataRequest.objects.filter(user=data.member, kind=DataRequest.Kind.ACCESS).exists()
    page.context.close()

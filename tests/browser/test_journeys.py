"""The main journeys, end to end in Debian's Chromium: one test per journey, each in a fresh
browser context, with a screenshot at the end of each step under var/screenshots/<journey>/
(phone and desktop sizes for the pages a newcomer sees first).

Emails are read where the live server's mail goes in tests (Django's outbox, `mailoutbox`), and
Celery tasks run through their real code at once (`eager_tasks`).
"""

import importlib
import re
import zipfile

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group, Permission

from forums.models import Post, Report, Topic
from privacy import tasks
from privacy.models import Consent, DataRequest, Newsletter
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    PostFactory,
    TopicFactory,
    UserFactory,
    authenticator_code,
)

from .axe import BLOCKING, describe, violations
from .conftest import SCREENSHOTS, load_site_data, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def site(live_server, eager_tasks, mailoutbox, export_storage):
    load_site_data()
    return live_server.url


class Journey:
    """A fresh browser context for one journey, saving a screenshot after each step."""

    def __init__(self, browser, site, name):
        self.site, self.folder, self.step = site, SCREENSHOTS / name, 0
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.context = browser.new_context(viewport=SIZES["desktop"], accept_downloads=True)
        # Nothing from the internet: the site, and files the journey itself unpacked.
        self.context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith((site, "file://"))
                else route.abort()
            ),
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)

    def go(self, path):
        self.page.goto(path if "://" in path else self.site + path)
        return self.page

    def shot(self, name, *, newcomer=False):
        """After a step: the screen at desktop size, and at phone size too where a newcomer
        sees the page first."""
        self.step += 1
        page = self.page
        page.wait_for_load_state("networkidle")
        if newcomer:
            page.set_viewport_size(SIZES["phone"])
            page.screenshot(path=self.folder / f"{self.step:02d}-{name}-phone.png")
            page.set_viewport_size(SIZES["desktop"])
            page.screenshot(path=self.folder / f"{self.step:02d}-{name}-desktop.png")
        else:
            page.screenshot(path=self.folder / f"{self.step:02d}-{name}.png")

    def log_in(self, login, password=PASSWORD):
        page = self.go("/accounts/login/")
        page.locator("#id_login").fill(login)
        page.locator("#id_password").fill(password)
        page.locator("main").get_by_role("button", name="Log in", exact=True).click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    def close(self):
        self.context.close()


def email_to(mailoutbox, address, subject_word=""):
    """The newest email to `address` (whose subject has `subject_word`)."""
    found = [
        message
        for message in mailoutbox
        if address in message.to and subject_word.lower() in message.subject.lower()
    ]
    assert found, f"no email to {address} about {subject_word!r}: {[m.subject for m in mailoutbox]}"
    return found[-1]


def link_in(message, path_part: str) -> str:
    match = re.search(rf"https?://[^\s\"<>]*{re.escape(path_part)}[^\s\"<>]*", message.body)
    assert match, f"no link with {path_part} in:\n{message.body}"
    return match.group(0)


def local(url: str) -> str:
    """The path of a link in an email (emails name the site's public address)."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_journey_1_sign_up_verify_log_in_and_edit_the_profile(browser, site, mailoutbox):
    journey = Journey(browser, site, "1-sign-up")
    page = journey.go("/")
    journey.shot("home", newcomer=True)
    page.locator("header").get_by_role("link", name="Join").click()
    page.locator("#id_username").fill("nadia")
    page.locator("#id_email").fill("nadia@example.net")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_accept_terms").check()
    journey.shot("sign-up-filled", newcomer=True)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(lambda url: "/accounts/signup/" not in url)
    journey.shot("check-your-inbox", newcomer=True)

    # The verification email: a link to open, or a code to type where the browser waits.
    message = email_to(mailoutbox, "nadia@example.net")
    if "/accounts/confirm-email/" in message.body:
        journey.go(local(link_in(message, "/accounts/confirm-email/")))
        journey.shot("verify-email", newcomer=True)
        page.get_by_role("button", name="Yes, verify my email").click()
    else:
        code = re.search(r"code[^\n]*:\s+([A-Za-z0-9-]{4,12})\s", message.body)
        assert code, f"neither a link nor a code in:\n{message.body}"
        page.locator("input[name=code]").fill(code.group(1))
        journey.shot("verify-email", newcomer=True)
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/confirm-email/" not in url)
    journey.shot("verified")

    page.locator("header").get_by_role("button", name="Log out").click()
    page.locator("header").get_by_role("link", name="Log in").wait_for()
    journey.log_in("nadia")
    journey.shot("logged-in")

    page = journey.go("/accounts/profile/")
    page.get_by_label("Display name").fill("Nadia K.")
    page.get_by_label("Job title").fill("Workforce planner")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile has been saved").wait_for()
    journey.shot("profile-saved")
    page = journey.go("/u/nadia/")
    assert page.get_by_role("heading", name="Nadia K.").is_visible()
    assert page.get_by_text("Workforce planner").is_visible()
    assert "nadia@example.net" not in page.content()
    journey.shot("public-profile")
    journey.close()


def test_journey_2_topic_reply_quote_edit_search_and_report(browser, site):
    category = CategoryFactory(name="Workforce planning")
    author, other = UserFactory(username="amina"), UserFactory(username="bruno")
    journey = Journey(browser, site, "2-posting")
    sign_in(journey.context, site, author)
    page = journey.go(category.get_absolute_url())
    page.get_by_role("link", name="Start a topic").click()
    page.get_by_label("Title").fill("Forecasting the Monday peak")
    page.locator("#id_source").fill("We forecast **hourly** with _three_ weeks of history.")
    page.get_by_role("button", name="Start topic").click()
    page.get_by_role("heading", name="Forecasting the Monday peak").wait_for()
    assert page.locator(".post-body strong").first.inner_text() == "hourly"
    journey.shot("topic-started")

    topic = Topic.objects.get(title="Forecasting the Monday peak")
    PostFactory(topic=topic, author=other, source="Do you add a margin for sick calls?")
    page = journey.go(topic.get_absolute_url())
    page.locator("#id_source").fill("A first reply of my own.")
    page.get_by_role("button", name="Post reply").click()
    page.locator(".post-body").filter(has_text="A first reply of my own.").wait_for()
    journey.shot("replied")

    bruno_post = page.locator("article.post").filter(has_text="Do you add a margin")
    bruno_post.get_by_role("link", name="Quote").click()
    # Typing at once raced the page's deferred scripts (keys lost); a person reads the quote first.
    page.wait_for_load_state()
    quote = page.locator("#id_source").input_value()
    assert "sick calls" in quote
    page.locator("#id_source").fill(f"{quote}\n\nYes, ten per cent on Mondays.")
    page.get_by_role("button", name="Post reply").click()
    quoted = page.locator("article.post").filter(has_text="Yes, ten per cent on Mondays.")
    quoted.locator("blockquote").filter(has_text="sick calls").wait_for()
    journey.shot("quoted")

    quoted.get_by_role("link", name="Edit").click()
    page.locator("#id_source").fill("> Do you add a margin?\n\nYes, twelve per cent on Mondays.")
    page.get_by_role("button", name="Save", exact=True).click()
    edited = page.locator("article.post").filter(has_text="twelve per cent")
    edited.get_by_text("Edited").wait_for()
    journey.shot("edited")

    page.get_by_role("searchbox", name="Search the forums").fill("Monday peak")
    page.get_by_role("searchbox", name="Search the forums").press("Enter")
    page.wait_for_url("**/search/**")
    page.get_by_role("link", name="Forecasting the Monday peak").first.wait_for()
    journey.shot("search")

    page.get_by_role("link", name="Forecasting the Monday peak").first.click()
    bruno_post = page.locator("article.post").filter(has_text="Do you add a margin")
    bruno_post.get_by_role("link", name="Report").click()
    page.get_by_label("What is wrong with this post?").fill("Off topic advertising.")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(lambda url: "/report/" not in url)
    journey.shot("reported")
    report = Report.objects.get()
    assert report.reporter == author and report.post.author == other
    assert report.reason == "Off topic advertising."
    journey.close()


def moderators_group() -> Group:
    """The Moderators group as its data migration makes it (a transactional test's flush
    removes it)."""
    migration = importlib.import_module("forums.migrations.0003_moderators_group")
    group, _ = Group.objects.get_or_create(name="Moderators")
    for model, verb in migration.MODERATOR_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="forums", codename=f"{verb}_{model}")
        )
    return group


def test_journey_3_a_moderator_hides_the_reported_post(browser, site):
    moderator = UserFactory(username="mo", is_staff=True)
    moderator.groups.add(moderators_group())
    secret = generate_totp_secret()
    TOTP.activate(moderator, secret)
    post = PostFactory(source="Buy cheap headsets at spam.example!")
    Report.objects.create(post=post, reporter=UserFactory(), reason="Spam")

    journey = Journey(browser, site, "3-moderation")
    page = journey.log_in("mo")
    page.wait_for_url("**/accounts/2fa/authenticate/")  # the second factor first (P7)
    journey.shot("second-factor")
    page.get_by_label(re.compile("code", re.I)).fill(authenticator_code(secret))
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)

    page = journey.go("/admin/forums/report/")
    row = page.locator("#result_list tbody tr").filter(has_text="Buy cheap headsets")
    journey.shot("reports-queue")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("hide_reported_posts")
    page.locator("button[name=index]").click()
    page.get_by_text("Done.").wait_for()
    journey.shot("report-resolved")
    post.refresh_from_db()
    assert post.hidden
    assert Report.objects.get().status == Report.Status.HIDDEN

    page = journey.go(post.get_absolute_url())
    page.locator(f"#post-{post.pk} .badge").filter(has_text="Hidden").wait_for()
    journey.shot("moderator-sees-hidden-post")
    visitor = browser.new_context()
    visitor_page = visitor.new_page()
    visitor_page.goto(site + post.topic.get_absolute_url())
    assert "Buy cheap headsets" not in visitor_page.content()
    visitor.close()
    journey.close()


def test_journey_4_newsletter_subscribe_confirm_receive_unsubscribe(browser, site, mailoutbox):
    journey = Journey(browser, site, "4-newsletter")
    page = journey.go("/privacy/newsletter/")
    journey.shot("subscribe", newcomer=True)
    page.get_by_label(re.compile("email", re.I)).fill("reader@example.net")
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_role("heading", name=re.compile("inbox", re.I)).wait_for()
    journey.shot("check-your-inbox", newcomer=True)
    assert not Consent.objects.filter(granted=True).exists()  # nothing before the link

    journey.go(local(link_in(email_to(mailoutbox, "reader@example.net"), "/newsletter/confirm/")))
    journey.shot("confirm")
    page.get_by_role("button", name="Yes, subscribe me").click()
    page.get_by_role("heading", name="You are subscribed").wait_for()
    journey.shot("confirmed")

    newsletter = Newsletter.objects.create(
        subject="November news", body="Hello **everyone**.", status=Newsletter.Status.SENDING
    )
    tasks.send_newsletter(newsletter.pk)  # what the worker runs when staff press send
    message = email_to(mailoutbox, "reader@example.net", "November news")
    assert "<strong>everyone</strong>" in message.alternatives[0][0]
    assert "One-Click" in message.extra_headers["List-Unsubscribe-Post"]

    journey.go(local(link_in(message, "/unsubscribe/")))
    journey.shot("unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    journey.shot("unsubscribed")
    assert Consent.objects.order_by("-pk").first().granted is False
    journey.close()


def test_journey_5_data_export_download_and_open(browser, site, mailoutbox, tmp_path):
    member = UserFactory(username="amina", display_name="Amina R.")
    TopicFactory(author=member, title="My shift pattern", source="Four on, three off.")
    journey = Journey(browser, site, "5-data-export")
    sign_in(journey.context, site, member)
    page = journey.go("/privacy/my-data/")
    journey.shot("my-data")
    page.get_by_role("button", name="Prepare a copy of my data").click()
    page.get_by_text("We are preparing a copy of your data").wait_for()
    journey.shot("export-requested")

    page = journey.go("/privacy/my-data/")
    page.get_by_role("link", name="Download (ZIP)").wait_for()
    journey.shot("export-ready")
    link = local(link_in(email_to(mailoutbox, member.email), "/privacy/my-data/download/"))
    with page.expect_download() as download:  # the link in the email, opened in the browser
        page.evaluate("url => { window.location.href = url }", site + link)
    archive = tmp_path / download.value.suggested_filename
    download.value.save_as(archive)
    assert archive.name.startswith("my-data-") and archive.suffix == ".zip"

    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp_path / "export")
    page = journey.go((tmp_path / "export" / "index.html").as_uri())
    assert page.get_by_text("My shift pattern").first.is_visible()
    assert member.email in page.content()
    blocking = [v for v in violations(page) if v["impact"] in BLOCKING]
    assert not blocking, describe(blocking)  # the export is a page people read too
    journey.shot("index-html")
    journey.close()


def test_journey_6_erasure_keeping_posts_shows_former_member(browser, site, mailoutbox):
    member = UserFactory(username="leaving", display_name="Leaving Lee")
    topic = TopicFactory(author=member, title="Night shift tips", source="Sleep in the day.")
    PostFactory(topic=topic, source="Thanks, that helps.")
    journey = Journey(browser, site, "6-erasure")
    sign_in(journey.context, site, member)
    page = journey.go("/privacy/my-data/")
    page.get_by_role("link", name="Erase my account…").click()
    page.get_by_label("Keep my posts", exact=False).check()
    page.get_by_label("Your password").fill(PASSWORD)
    journey.shot("erase-form")
    page.get_by_role("button", name="Erase my account").click()
    page.locator("header").get_by_role("link", name="Log in").wait_for()  # signed out at once
    journey.shot("erasing")

    request = DataRequest.objects.get(kind=DataRequest.Kind.ERASURE)
    assert request.status == DataRequest.Status.COMPLETED  # the task ran (eagerly)
    assert not type(member).objects.filter(username="leaving").exists()
    page = journey.go(topic.get_absolute_url())
    first = page.locator("article.post").first
    assert "former member" in first.locator(".post-author").inner_text().lower()
    assert "Sleep in the day." in first.inner_text()
    assert "Leaving Lee" not in page.content() and "leaving" not in page.content()
    assert Post.objects.filter(topic=topic, author__isnull=True).count() == 1
    journey.shot("topic-shows-former-member")
    journey.close()


def test_journey_7_cookie_choice_and_a_visitors_data_request(browser, site, mailoutbox):
    """Cookie choices in every detail: test_cookie_banner.py. Here a visitor makes one, then
    asks for their data and confirms by email."""
    journey = Journey(browser, site, "7-visitor-request")
    page = journey.go("/")
    journey.shot("first-visit", newcomer=True)
    page.get_by_role("button", name="Reject all").click()
    page.get_by_text("Your cookie choices are saved").wait_for()
    assert page.locator("#cookie-banner").count() == 0
    journey.shot("cookies-chosen", newcomer=True)

    page.get_by_role("link", name="Ask about your data").click()
    page.get_by_label("Your email address").fill("visitor@example.net")
    page.get_by_label("What would you like?").select_option(DataRequest.Kind.ACCESS)
    journey.shot("request-form", newcomer=True)
    page.locator("main").get_by_role("button", name="Send", exact=True).click()
    page.get_by_role("heading", name=re.compile("inbox", re.I)).wait_for()
    journey.shot("check-your-inbox")
    request = DataRequest.objects.get()
    assert request.status == DataRequest.Status.AWAITING_CONFIRMATION

    journey.go(local(link_in(email_to(mailoutbox, "visitor@example.net"), "/requests/confirm/")))
    journey.shot("confirm")
    page.get_by_role("button", name="Confirm my request").click()
    page.get_by_role("heading", name="Your request is confirmed").wait_for()
    request.refresh_from_db()
    assert request.status != DataRequest.Status.AWAITING_CONFIRMATION
    assert request.confirmed is not None
    journey.shot("confirmed")
    journey.close()

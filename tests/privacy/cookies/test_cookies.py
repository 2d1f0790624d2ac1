"""Cookie consent through the real stack (P19-P22): banner forms, settings page, receipts,
the declaration, and the rule that nothing optional is set or loaded before consent."""

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from cookie_consent.models import Cookie, CookieGroup
from django.utils import timezone

from privacy.cookies import wording
from privacy.models import CookieConsentReceipt
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/privacy/cookies/settings/"
ACCEPT_URL = "/privacy/cookies/settings/accept/"
DECLINE_URL = "/privacy/cookies/settings/decline/"
OPTIONAL = ["preferences", "analytics", "social"]


def accept_all(client, next_url="/"):
    return client.post(ACCEPT_URL, {"all_groups": "on", "next": next_url})


def reject_all(client, next_url="/"):
    return client.post(DECLINE_URL, {"all_groups": "on", "next": next_url})


def consent_value(client) -> str:
    return client.cookies["cookie_consent"].value


def test_groups_and_cookies_come_from_the_data_migration():
    groups = dict(CookieGroup.objects.values_list("varname", "is_required"))
    assert groups == {"necessary": True, "preferences": False, "analytics": False, "social": False}
    necessary = set(
        Cookie.objects.filter(cookiegroup__varname="necessary").values_list("name", flat=True)
    )
    assert {"sessionid", "csrftoken", "cookie_consent", "messages"} <= necessary
    assert all(hasattr(cookie, "lifetime") for cookie in Cookie.objects.all())


def banner_of(client) -> str:
    html = client.get("/").content.decode()
    return html.split('id="cookie-banner"', 1)[1].split("</section>", 1)[0]


def test_first_visit_shows_the_banner_with_three_equal_choices(client, settings):
    settings.ANALYTICS_SCRIPT_URL = "https://analytics.example.test/script.js"
    settings.SOCIAL_SHARE_SCRIPT_URL = "https://social.example.test/buttons.js"
    banner = banner_of(client)
    assert ">Accept all</button>" in banner and ">Reject all</button>" in banner
    assert "<summary>Choose</summary>" in banner
    for varname in OPTIONAL:
        assert f'value="{varname}"' in banner
    assert 'name="csrfmiddlewaretoken"' in banner
    assert 'src="/static/js/cookiebar.js"' in client.get("/").content.decode()


def test_the_banner_asks_only_about_cookies_the_site_sets(client):
    """No analytics or share script configured: nothing would set their cookies (issue 16)."""
    banner = banner_of(client)
    assert 'value="preferences"' in banner
    assert 'value="analytics"' not in banner and 'value="social"' not in banner


def test_first_visit_sets_no_optional_cookie(client):
    response = client.get("/")
    necessary = set(
        Cookie.objects.filter(cookiegroup__is_required=True).values_list("name", flat=True)
    )
    assert set(response.cookies) <= necessary


def test_accept_all_without_javascript_saves_a_receipt_and_returns_to_the_page(client):
    response = accept_all(client, next_url="/privacy/terms/")
    assert response.status_code == 302 and response["Location"] == "/privacy/terms/"
    receipt = CookieConsentReceipt.objects.get()
    assert set(receipt.accepted) == set(OPTIONAL) and receipt.declined == {}
    assert receipt.user is None and receipt.banner_text.key == "cookie-banner"
    assert f"receipt={receipt.consent_id.hex}" in consent_value(client)
    assert 'id="cookie-banner"' not in client.get("/").content.decode()


def test_reject_all_declines_every_optional_group(client):
    reject_all(client)
    receipt = CookieConsentReceipt.objects.get()
    assert receipt.accepted == {} and set(receipt.declined) == set(OPTIONAL)
    for varname in OPTIONAL:
        assert f"{varname}=-1" in consent_value(client)
    assert 'id="cookie-banner"' not in client.get("/").content.decode()


def test_choose_accepts_the_switched_on_groups_and_declines_the_rest(client):
    response = client.post(
        SETTINGS_URL, {"choice": "save", "accepted": ["preferences"], "next": "/privacy/"}
    )
    assert response["Location"] == "/privacy/"
    receipt = CookieConsentReceipt.objects.get()
    assert set(receipt.accepted) == {"preferences"}
    assert set(receipt.declined) == {"analytics", "social"}


def test_settings_page_shows_the_receipt_and_the_current_choice(client, settings):
    settings.ANALYTICS_SCRIPT_URL = "https://analytics.example/script.js"
    settings.SOCIAL_SHARE_SCRIPT_URL = "https://share.example/buttons.js"
    client.post(SETTINGS_URL, {"choice": "save", "accepted": ["analytics"]})
    receipt = CookieConsentReceipt.objects.get()
    html = client.get(SETTINGS_URL).content.decode()
    assert str(receipt.consent_id) in html
    assert 'value="analytics" aria-describedby="settings-analytics-about" checked' in html
    assert 'value="social" aria-describedby="settings-social-about">' in html
    assert 'id="cookie-banner"' not in html


def test_settings_page_lists_only_the_groups_in_use_like_the_bar(client, settings):
    """No analytics or share script configured: the page asks about neither (issue 16)."""
    html = client.get(SETTINGS_URL).content.decode()
    assert 'value="preferences"' in html and "(always on)" in html
    assert 'value="analytics"' not in html and 'value="social"' not in html
    settings.ANALYTICS_SCRIPT_URL = "https://analytics.example/script.js"
    html = client.get(SETTINGS_URL).content.decode()
    assert 'value="analytics"' in html and 'value="social"' not in html


def test_accept_all_on_the_settings_page_grants_only_the_groups_in_use(client):
    client.post(SETTINGS_URL, {"choice": "accept-all"})
    receipt = CookieConsentReceipt.objects.get()
    assert set(receipt.accepted) == {"preferences"} and receipt.declined == {}
    # Undecided, so the bar asks about analytics once a script is configured.
    assert "analytics" not in consent_value(client)


def test_a_group_not_in_use_cannot_be_accepted(client):
    response = client.post(SETTINGS_URL, {"choice": "save", "accepted": ["analytics"]})
    assert response.status_code == 400
    assert not CookieConsentReceipt.objects.exists()


def test_changing_the_choice_keeps_the_consent_id_and_replaces_the_old_receipt(client):
    accept_all(client)
    client.post(SETTINGS_URL, {"choice": "reject-all"})
    first, second = CookieConsentReceipt.objects.order_by("created", "id")
    assert first.consent_id == second.consent_id
    assert first.replaced_at is not None and second.replaced_at is None


def test_withdrawing_deletes_the_cookies_of_the_declined_groups(client):
    accept_all(client)
    client.cookies["recent_searches"] = "anything"
    response = client.post(SETTINGS_URL, {"choice": "reject-all"})
    deleted = response.cookies["recent_searches"]
    assert deleted.value == "" and deleted["max-age"] == 0


def test_a_members_receipt_names_the_member(user_client, user):
    reject_all(user_client)
    assert CookieConsentReceipt.objects.get().user == user


def test_the_script_banner_posts_with_a_header_and_gets_an_empty_answer(client):
    response = client.post(
        ACCEPT_URL, {"cookie_groups": ["analytics"]}, headers={"X-Cookie-Consent-Fetch": "1"}
    )
    assert response.status_code == 204
    assert set(CookieConsentReceipt.objects.get().accepted) == {"analytics"}


def test_status_reports_undecided_groups_for_the_script(client):
    data = client.get("/privacy/cookies/settings/status/").json()
    assert set(data["notAcceptedOrDeclinedCookieGroups"]) == set(OPTIONAL)
    assert data["acceptUrl"] == ACCEPT_URL and data["declineUrl"] == DECLINE_URL


# Bad input: refused cleanly, no 500, no consent assumed


def test_accept_without_csrf_token_is_refused(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(ACCEPT_URL, {"all_groups": "on"})
    assert response.status_code == 403
    assert not CookieConsentReceipt.objects.exists()
    assert "cookie_consent" not in response.cookies


def test_each_visitor_gets_the_banner_with_their_own_token_and_page(settings):
    """The banner is rendered once per process (community.frame) with the CSRF token and the
    page to return to filled in per request: each visitor's own, escaped, never kept."""
    import pickle
    import re

    from django.core.cache import caches
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testserver"]
    hostile = '/search/?q="><script>alert(1)</script>'
    pages = {}
    for path in ("/", hostile):
        visitor = Client(enforce_csrf_checks=True)
        html = visitor.get(path).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        nexts = re.findall(r'name="next" value="([^"]*)"', html)
        pages[path] = (visitor, token, nexts)
    (first, first_token, first_nexts), (second, second_token, second_nexts) = pages.values()
    assert first_token != second_token and "hole-" not in first_token
    assert first_nexts == ["/"] * 3
    assert second_nexts == ["/search/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"] * 3
    kept = "".join(pickle.loads(value) for value in caches["frame"]._cache.values())
    assert "cookie-banner-title" in kept
    assert first_token not in kept and second_token not in kept and "alert(1)" not in kept
    response = second.post(
        ACCEPT_URL, {"all_groups": "on", "next": "/", "csrfmiddlewaretoken": second_token}
    )
    assert response.status_code == 302
    assert first.post(ACCEPT_URL, {"all_groups": "on"}).status_code == 403


@pytest.mark.parametrize("url", [ACCEPT_URL, DECLINE_URL])
def test_unknown_group_is_refused(client, url):
    response = client.post(url, {"cookie_groups": ["marketing"]})
    assert response.status_code == 400
    assert not CookieConsentReceipt.objects.exists()


def test_settings_form_with_an_unknown_group_or_choice_is_a_form_error(client):
    response = client.post(SETTINGS_URL, {"choice": "save", "accepted": ["necessary", "ads"]})
    assert response.status_code == 400 and "not understood" in response.content.decode()
    response = client.post(SETTINGS_URL, {"choice": "everything"})
    assert response.status_code == 400
    assert not CookieConsentReceipt.objects.exists()


def test_accept_and_decline_only_take_posts(client):
    assert client.get(ACCEPT_URL).status_code == 405
    assert client.get(DECLINE_URL).status_code == 405


def test_redirect_after_a_choice_stays_on_this_site(client):
    response = accept_all(client, next_url="https://evil.example/")
    assert response["Location"] == SETTINGS_URL


@pytest.mark.parametrize(
    "tampered",
    [
        "analytics=zzzz|social=2999-01-01T00:00:00",  # no receipt id
        "analytics=zzzz|receipt=" + uuid.uuid4().hex,  # not a version
        "analytics=2999-01-01T00:00:00|receipt=not-a-uuid",
        "analytics|social==|receipt",
        "%%%",
    ],
)
def test_a_tampered_consent_cookie_is_not_consent(client, settings, tampered):
    settings.ANALYTICS_SCRIPT_URL = "https://analytics.example/script.js"
    client.cookies["cookie_consent"] = tampered
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "analytics.example" not in html
    assert 'id="cookie-banner"' in html


def test_a_forged_consent_id_is_not_adopted(client):
    forged = uuid.uuid4()
    client.cookies["cookie_consent"] = f"receipt={forged.hex}"
    accept_all(client)
    assert CookieConsentReceipt.objects.get().consent_id != forged


# Nothing before consent (P19)


def test_analytics_script_loads_only_after_analytics_is_accepted(client, settings):
    settings.ANALYTICS_SCRIPT_URL = "https://analytics.example/script.js"
    assert "analytics.example" not in client.get("/").content.decode()
    reject_all(client)
    assert "analytics.example" not in client.get("/").content.decode()
    client.post(SETTINGS_URL, {"choice": "save", "accepted": ["analytics"]})
    assert '<script src="https://analytics.example/script.js"' in client.get("/").content.decode()


def test_share_buttons_are_plain_links_until_social_is_accepted(client, settings):
    settings.SOCIAL_SHARE_SCRIPT_URL = "https://share.example/buttons.js"
    html = client.get("/privacy/").content.decode()
    assert (
        "https://www.linkedin.com/sharing/share-offsite/?url=http%3A%2F%2Ftestserver%2Fprivacy%2F"
        in html
    )
    assert "share.example" not in html
    client.post(SETTINGS_URL, {"choice": "save", "accepted": ["social"]})
    assert (
        '<script src="https://share.example/buttons.js"' in client.get("/privacy/").content.decode()
    )


def test_no_third_party_script_without_a_configured_address(client):
    accept_all(client)
    html = client.get("/").content.decode()
    assert 'data-cookie-group="analytics"' not in html and 'data-cookie-group="social"' not in html


def test_a_cookie_of_a_group_never_accepted_is_deleted(client):
    client.cookies["remembered_contact"] = "left over"
    response = client.get("/")
    assert response.cookies["remembered_contact"]["max-age"] == 0


def test_the_site_sets_only_declared_cookies(client, user, password, settings):
    """Walk the main pages as a visitor and a member, before and after every choice."""
    declared = set(Cookie.objects.values_list("name", flat=True))
    seen = set()

    def visit(*paths):
        for path in paths:
            response = client.get(path, {"q": "rota"} if path == "/search/" else None)
            assert response.status_code in (200, 302), path
            seen.update(response.cookies)

    topic = TopicFactory()
    pages = [
        "/",
        "/privacy/",
        "/privacy/cookies/",
        "/privacy/terms/",
        "/privacy/newsletter/",
        SETTINGS_URL,
        "/search/",
        topic.category.get_absolute_url(),
        topic.get_absolute_url(),
        f"/u/{topic.author.username}/",
    ]
    visit(*pages, "/accounts/login/", "/accounts/signup/")
    seen.update(accept_all(client).cookies)
    visit(*pages)
    response = client.post("/accounts/login/", {"login": user.username, "password": password})
    seen.update(response.cookies)
    visit(*pages, "/accounts/profile/")
    seen.update(reject_all(client).cookies)
    visit(*pages)
    seen.update(client.post("/accounts/logout/").cookies)
    assert "sessionid" in seen and "cookie_consent" in seen
    assert seen <= declared, f"undeclared cookies: {seen - declared}"


# The declaration (P20)


def test_cookie_policy_lists_every_group_and_cookie_from_the_database(
    client, django_assert_max_num_queries
):
    group = CookieGroup.objects.get(varname="analytics")
    for n in range(10):
        Cookie.objects.create(cookiegroup=group, name=f"_an{n}", domain=".analytics.example")
    with django_assert_max_num_queries(8):
        html = client.get("/privacy/cookies/").content.decode()
    for cookie in Cookie.objects.all():
        assert f"<code>{cookie.name}</code>" in html
    for group in CookieGroup.objects.all():
        assert group.name in html
    assert "Third party: .analytics.example" in html
    assert "2 weeks, or until you log out" in html


# Receipts as personal data


def test_receipt_retention_counts_from_replacement_or_the_cookie_running_out():
    from privacy import registry

    rule = next(r for r in registry.retention_rules() if r.key == "cookie-consent-receipts")
    now = timezone.now()
    text = wording.banner_text()
    old = timedelta(days=3 * 365)

    def receipt(**fields):
        return CookieConsentReceipt.objects.create(
            consent_id=uuid.uuid4(), banner_text=text, **fields
        )

    replaced_long_ago = receipt(created=now - old, replaced_at=now - old)
    replaced_recently = receipt(created=now - old, replaced_at=now - timedelta(days=30))
    current = receipt(created=now - timedelta(days=30))
    expired_cookie = receipt(created=now - old - timedelta(days=365))
    expired = set(rule.expired_at(now))
    assert replaced_long_ago in expired and expired_cookie in expired
    assert replaced_recently not in expired and current not in expired


def test_a_configured_script_address_is_allowed_by_the_content_security_policy_only_then():
    def script_src(**environment):
        code = (
            "import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src']))"
        )
        env = {k: v for k, v in os.environ.items() if not k.endswith("_SCRIPT_URL")}
        env.update(DJANGO_SETTINGS_MODULE="community.settings", **environment)
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        return json.loads(result.stdout.strip().splitlines()[-1])

    assert script_src() == ["'self'"]
    assert script_src(ANALYTICS_SCRIPT_URL="https://stats.example.org/s.js") == [
        "'self'",
        "https://stats.example.org",
    ]


@pytest.mark.parametrize(
    "cookie",
    [
        "",
        "garbage",
        "preferences=-1",
        "preferences=2000-01-01T00:00:00+00:00|analytics=-1|receipt=abc",
        "preferences=2999-01-01T00:00:00+00:00|analytics=|social=2999-01-01T00:00:00+00:00",
        "social=-1|social=2999-01-01T00:00:00+00:00|preferences",
        "analytics=2999-01-01T00:00:00+00:00|necessary=2999-01-01T00:00:00+00:00",
    ],
)
def test_each_groups_answer_read_once_is_the_librarys(rf, cookie):
    """choices.consents reads the cookie once per request for every group: it must answer as
    the library's own reading of each group would (a page's banner and scripts follow it)."""
    from cookie_consent.cache import all_cookie_groups
    from cookie_consent.util import get_cookie_value_from_request

    from privacy.cookies.choices import consents

    group = CookieGroup.objects.get(varname="analytics")
    group.cookie_set.create(name="_example", domain="")  # a version to compare with
    request = rf.get("/", HTTP_COOKIE=f"cookie_consent={cookie}")
    library = {varname: get_cookie_value_from_request(request, varname) for varname in OPTIONAL}
    assert consents(request) == library
    assert set(consents(request)) == set(all_cookie_groups())

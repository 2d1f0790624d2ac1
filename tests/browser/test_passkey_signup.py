"""Joining with a passkey in a real browser (allauth's passkey sign-up, which needs verification
by code): the newcomer gives a username and an email address, types the emailed code, lets the
device create a passkey, lands on the topic they came from, and later signs in with the passkey
alone. Chromium's virtual authenticator stands in for the phone."""

import re

import pytest
from allauth.mfa.models import Authenticator

from forums.models import User
from tests.factories import TopicFactory

from .conftest import load_site_data
from .test_passkeys import page_with_authenticator, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_newcomer_joins_with_a_passkey_and_comes_back_with_it(
    browser, live_server, mailoutbox, screenshots
):
    load_site_data()  # the terms and wordings the sign-up form shows
    topic = TopicFactory(title="Rota swaps that work")
    page = page_with_authenticator(browser, live_server)
    page.goto(f"/accounts/signup/?next={topic.get_absolute_url()}")
    page.get_by_role("link", name="Join with a passkey instead").click()
    page.wait_for_url("**/accounts/signup/passkey/**")
    assert page.locator("#id_password1").count() == 0  # no password at all
    page.locator("#id_username").fill("keyholder")
    page.locator("#id_email").fill("keyholder@example.org")
    page.locator("#id_accept_terms").check()
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url("**/accounts/confirm-email/**")
    assert page.get_by_role("heading", name="Verify your email").is_visible()
    code = re.search(r"verification code is:\s+(\S+)", mailoutbox[-1].body).group(1)
    page.locator("#id_code").fill(code)
    page.get_by_role("button", name="Verify").click()

    page.wait_for_url("**/2fa/webauthn/signup/**")
    page.screenshot(path=screenshots / "passkey-signup-create.png", full_page=True)
    page.locator("#id_name").fill("My phone")
    page.get_by_role("button", name="Create my passkey").click()
    page.wait_for_url(f"**{topic.get_absolute_url()}")
    assert "Rota swaps that work" in page.content()
    assert page.locator("form.composer").count() == 1  # signed in: the reply box is there

    member = User.objects.get(username="keyholder")
    assert not member.has_usable_password()
    assert Authenticator.objects.filter(user=member, type=Authenticator.Type.WEBAUTHN).exists()
    assert member.emailaddress_set.get().verified

    sign_out(page)
    page.goto("/accounts/login/")
    page.locator("#passkey_login").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/accounts/profile/")
    assert "keyholder" in page.content()
    page.context.close()

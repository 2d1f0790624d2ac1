"""Passkeys and security keys (allauth's WebAuthn) in a real browser, with Chromium's virtual
authenticator standing in for the phone or the key: a member adds a passkey and signs in with it
alone; a staff member whose only second factor is a security key reaches the admin."""

import pytest
from allauth.mfa.models import Authenticator

from tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def page_with_authenticator(browser, live_server):
    """A fresh browser context holding one virtual authenticator that says yes at once, as a
    phone's passkey does after the fingerprint."""
    context = browser.new_context(base_url=live_server.url.replace("127.0.0.1", "localhost"))
    page = context.new_page()
    page.set_default_timeout(10_000)
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return page


def sign_in_with_password(page, user):
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def add_key(page, name: str, *, passkey: bool):
    page.goto("/accounts/2fa/webauthn/add/")
    if "/reauthenticate/" in page.url:  # allauth asks for the password again first
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url("**/accounts/2fa/webauthn/add/")
    page.locator("#id_name").fill(name)
    if passkey:
        page.locator("#id_passwordless").check()
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)


def sign_out(page):
    page.goto("/accounts/logout/")
    page.locator("main form button[type=submit]").click()


def test_a_member_adds_a_passkey_and_signs_in_with_it_alone(browser, live_server):
    member = UserFactory()
    page = page_with_authenticator(browser, live_server)
    sign_in_with_password(page, member)
    add_key(page, "My phone", passkey=True)
    assert Authenticator.objects.filter(user=member, type=Authenticator.Type.WEBAUTHN).exists()
    sign_out(page)

    page.goto("/accounts/login/")
    page.locator("#passkey_login").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/accounts/profile/")
    assert member.username in page.content()
    page.context.close()


def test_staff_with_only_a_security_key_reach_the_admin(browser, live_server):
    staff = StaffFactory()
    page = page_with_authenticator(browser, live_server)
    sign_in_with_password(page, staff)
    page.goto("/admin/")
    assert "/admin/" not in page.url  # sent to set up a second factor first (P7)
    add_key(page, "Desk key", passkey=False)
    sign_out(page)

    sign_in_with_password(page, staff)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.locator("#mfa_webauthn_authenticate").click()
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
    page.goto("/admin/")
    assert page.url.endswith("/admin/")
    assert page.get_by_role("heading", name="Site administration").is_visible()
    page.context.close()

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums.backends import ModelBackend
from forums.models import SignIn, User
from privacy import consent
from privacy.models import Consent, PolicyVersion

from ..factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"


def signup_data(**overrides):
    data = {
        "username": "new.member",
        "email": "new.member@example.org",
        "password1": "quiet-harbour-lantern-9",
        "password2": "quiet-harbour-lantern-9",
        "accept_terms": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_signup_page_has_newsletter_box_unticked_and_terms_box_required(client):
    html = client.get(SIGNUP).content.decode()
    newsletter = re.search(r'<input[^>]*name="newsletter"[^>]*>', html).group(0)
    terms = re.search(r'<input[^>]*name="accept_terms"[^>]*>', html).group(0)
    assert "checked" not in newsletter
    assert "required" in terms
    assert "I accept the terms of service and the privacy policy." in html


def test_signup_records_acceptance_of_terms_and_privacy_policy_with_versions(client, mailoutbox):
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    user = User.objects.get(username="new.member")
    rows = {row.purpose: row for row in Consent.objects.filter(user=user)}
    assert set(rows) == {consent.TERMS, consent.PRIVACY_POLICY}
    assert rows[consent.TERMS].policy == PolicyVersion.objects.in_force("terms")
    assert rows[consent.PRIVACY_POLICY].policy == PolicyVersion.objects.in_force("privacy")
    assert rows[consent.TERMS].source == Consent.Source.SIGNUP
    assert rows[consent.TERMS].text.wording.startswith("I accept the terms")
    assert rows[consent.TERMS].created is not None
    assert not consent.has_consent(consent.NEWSLETTER, user=user)
    assert len(mailoutbox) == 1 and "new.member@example.org" in mailoutbox[0].to


def test_signup_with_newsletter_ticked_records_the_newsletter_consent(client):
    client.post(SIGNUP, signup_data(newsletter="on"))
    user = User.objects.get(username="new.member")
    assert consent.has_consent(consent.NEWSLETTER, user=user)
    row = consent.latest(consent.NEWSLETTER, user=user)
    assert row.text.key == "signup-newsletter" and row.source == Consent.Source.SIGNUP


def test_signup_without_accepting_terms_is_refused_with_a_message(client):
    response = client.post(SIGNUP, signup_data(accept_terms=None))
    assert response.status_code == 200
    assert "You need to accept the terms" in response.content.decode()
    assert not User.objects.filter(username="new.member").exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"username": "admin"}, "Username can not be used"),
        ({"username": "Privacy"}, "Username can not be used"),
        ({"username": "bad name!"}, "Use only letters, digits"),
        ({"username": "x" * 31}, "at most 30 characters"),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"email": "x" * 250 + "@example.org"}, "at most 254 characters"),
        ({"password1": "password", "password2": "password"}, "too common"),
        ({"password2": "something-else-entirely"}, "You must type the same password"),
    ],
)
def test_signup_rejects_bad_input_with_a_clear_message(client, overrides, message):
    response = client.post(SIGNUP, signup_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="new.member@example.org").exists()


def test_signup_refuses_a_taken_username_and_a_used_email(client):
    UserFactory(username="taken", email="used@example.org")
    html = client.post(SIGNUP, signup_data(username="taken")).content.decode()
    assert "A user with that username already exists." in html
    client.post(SIGNUP, signup_data(email="used@example.org"))
    # allauth does not reveal that an address is known (it emails its owner instead), but it
    # never creates a second account with it.
    assert User.objects.filter(email__iexact="used@example.org").count() == 1


def test_unverified_member_cannot_log_in(client):
    UserFactory(username="pending", verified=False)
    response = client.post(LOGIN, {"login": "pending", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def emailed_code(message) -> str:
    return re.search(r"verification code is:\s+(\S+)", message.body).group(1)


def test_the_code_from_the_email_lets_the_member_in(client, mailoutbox):
    response = client.post(SIGNUP, signup_data())
    assert response["Location"] == reverse("account_email_verification_sent")
    page = client.get(response["Location"]).content.decode()
    assert "<h1>Verify your email</h1>" in page and "new.member@example.org" in page
    wrong = client.post(response["Location"], {"code": "NOT-IT"})
    assert "_auth_user_id" not in client.session and wrong.status_code == 200
    response = client.post(
        reverse("account_email_verification_sent"), {"code": emailed_code(mailoutbox[0])}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"]
    assert EmailAddress.objects.get(email="new.member@example.org").verified
    client.logout()
    response = client.post(
        LOGIN, {"login": "new.member@example.org", "password": "quiet-harbour-lantern-9"}
    )
    assert response.status_code == 302
    assert client.get(reverse("account_overview")).status_code == 200


@pytest.mark.parametrize("login", ["member.one", "member.one@example.org"])
def test_member_logs_in_by_username_or_email_and_the_sign_in_is_recorded(client, login):
    user = UserFactory(username="member.one")
    response = client.post(
        LOGIN,
        {"login": login, "password": PASSWORD},
        HTTP_USER_AGENT="TestBrowser/1.0",
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    sign_in = SignIn.objects.get(user=user)
    assert sign_in.ip_address == "203.0.113.9"
    assert sign_in.user_agent == "TestBrowser/1.0"
    page = client.get(reverse("account_overview")).content.decode()
    assert "203.0.113.9" in page and "TestBrowser/1.0" in page


def test_client_ip_is_taken_from_the_one_trusted_proxy(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    client.post(
        LOGIN,
        {"login": user.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.20",
    )
    assert SignIn.objects.get(user=user).ip_address == "203.0.113.20"


def test_failed_logins_are_rate_limited(client):
    user = UserFactory()
    for _ in range(5):
        html = client.post(LOGIN, {"login": user.username, "password": "wrong"}).content.decode()
        assert "not correct" in html
    response = client.post(LOGIN, {"login": user.username, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_members_see_their_own_account_and_can_clear_their_profile(client):
    user = UserFactory(display_name="Amina", job_title="Planner", company="Acme", bio="Hello")
    client.force_login(user)
    response = client.post(
        reverse("account_overview"),
        {"display_name": "", "job_title": "", "company": "", "location": "", "bio": ""},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.job_title, user.company, user.bio) == ("", "", "", "")


def test_profile_form_rejects_over_long_fields(client, user):
    client.force_login(user)
    response = client.post(reverse("account_overview"), {"display_name": "x" * 61, "bio": ""})
    assert response.status_code == 200
    assert "at most 60 characters" in response.content.decode()


def test_account_page_needs_login(client):
    response = client.get(reverse("account_overview"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_change_password_and_email_pages_work_for_members(client, user):
    client.force_login(user)
    for name in ("account_change_password", "account_email", "mfa_index", "account_reset_password"):
        assert client.get(reverse(name)).status_code == 200


def test_staff_without_a_second_factor_is_kept_out_of_admin(client):
    staff = StaffFactory()
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


def test_staff_with_a_second_factor_reaches_admin(client):
    staff = StaffFactory(second_factor=True)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_staff_signing_in_with_a_password_is_asked_for_the_second_factor(client):
    staff = StaffFactory(second_factor=True)
    response = client.post(LOGIN, {"login": staff.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_members_can_set_up_a_second_factor(client, user):
    client.force_login(user)
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)
    assert not Authenticator.objects.filter(user=user).exists()


def test_a_login_longer_than_any_address_gets_a_form_error(client):
    response = client.post("/accounts/login/", {"login": "a" * 100_000, "password": "x" * 10})
    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters" in response.content.decode()


def test_joining_with_a_passkey_asks_no_password_and_verifies_by_code(client, mailoutbox):
    page = client.get("/accounts/signup/passkey/", {"next": "/search/"}).content.decode()
    assert f"<h1>Join {settings.SITE_NAME} with a passkey</h1>" in page
    assert 'name="password1"' not in page and 'name="accept_terms"' in page
    assert 'name="website"' in page and 'name="form_started"' in page  # anti-spam (issue 14)
    data = {k: v for k, v in signup_data().items() if not k.startswith("password")}
    response = client.post("/accounts/signup/passkey/", {**data, "next": "/search/"})
    assert response["Location"] == reverse("account_email_verification_sent")
    assert consent.has_consent(consent.TERMS, user=User.objects.get(username="new.member"))
    response = client.post(response["Location"], {"code": emailed_code(mailoutbox[0])})
    assert response["Location"] == reverse("mfa_signup_webauthn")
    html = client.get(response["Location"]).content.decode()
    assert "<h1>Create your passkey</h1>" in html
    # CSP: allauth's script is a static file; the inline blocks are data, not code.
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_a_newcomer_can_ask_for_a_new_code_after_a_few_minutes(client, mailoutbox, monkeypatch):
    response = client.post(SIGNUP, signup_data())
    page = client.get(response["Location"]).content.decode()
    assert "Send a new code" in page
    client.post(response["Location"], {"action": "resend"})
    assert len(mailoutbox) == 1  # at once: the confirm_email rate limit says wait
    later = time.time() + 4 * 60
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)
    client.post(response["Location"], {"action": "resend"})
    assert len(mailoutbox) == 2
    response = client.post(response["Location"], {"code": emailed_code(mailoutbox[1])})
    assert response.status_code == 302 and client.session["_auth_user_id"]


def test_the_signed_in_member_is_loaded_as_a_queryset_loads_them(user):
    """forums.backends reads the member with SQL of its own, through the converters a queryset
    applies (on SQLite, datetimes come back as text without them)."""
    user.last_login = timezone.now()
    user.save()
    loaded, fresh = ModelBackend().get_user(user.pk), User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(fresh, field.attname), field.name
    assert timezone.is_aware(loaded.date_joined) and timezone.is_aware(loaded.last_login)
    assert loaded.has_second_factor is False and not loaded._state.adding
    assert ModelBackend().get_user("not a number") is None
    assert ModelBackend().get_user(user.pk + 1000) is None


@pytest.mark.django_db(transaction=True)
def test_the_members_query_is_prepared_once_per_connection_and_again_after_reconnecting():
    member = UserFactory()
    for _ in range(2):  # the connection, then a new one (as after a database restart)
        assert ModelBackend().get_user(member.pk) == member
        with CaptureQueriesContext(connection) as captured:
            assert ModelBackend().get_user(member.pk) == member
        assert len(captured) == 1
        connection.close()

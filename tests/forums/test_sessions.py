"""The signed-in member kept beside their session (forums/sessions.py): used while nothing about
any member changed, and never once their account, password or second factor did."""

import pickle

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community.sessions import CACHE_SECONDS
from forums.models import User
from forums.sessions import MEMBERS_KEY, SessionStore, members_changed

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/profile/"


def signed_in(member) -> Client:
    """A member's browser after a page or two: their copy kept beside the session."""
    browser = Client()
    assert browser.post("/accounts/login/", {"login": member.username, "password": PASSWORD})
    for _ in range(2):  # the members' version set (the first ever sign-in), then the copy kept
        assert browser.get(ACCOUNT).status_code == 200
    return browser


def store(browser) -> SessionStore:
    session = SessionStore(browser.cookies["sessionid"].value)
    session.load()
    return session


def test_a_members_second_page_needs_no_query_for_them(client):
    member = UserFactory()
    browser = signed_in(member)
    assert store(browser).kept_user() == member
    with CaptureQueriesContext(connection) as captured:
        assert member.username in browser.get(ACCOUNT).content.decode()
    assert not [q for q in captured if '"forums_user"' in q["sql"]]


def test_the_copy_holds_no_password_hash_and_lives_five_minutes_at_most(client):
    member = UserFactory()
    browser = signed_in(member)
    session = store(browser)
    key = session._member_key(session.session_key)
    kept = cache.get(key)
    assert kept is not None and member.password not in repr(kept)
    assert member.password.encode() not in pickle.dumps(kept)
    if hasattr(cache, "ttl"):  # django-redis
        assert 0 < cache.ttl(key) <= CACHE_SECONDS


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda member: setattr(member, "is_active", False), id="closed"),
        pytest.param(lambda member: member.set_password("a whole new passphrase"), id="password"),
    ],
)
def test_a_closed_account_or_a_changed_password_signs_out_at_the_next_request(
    client, change, django_capture_on_commit_callbacks
):
    member = UserFactory()
    browser = signed_in(member)
    with django_capture_on_commit_callbacks(execute=True):
        change(member)
        member.save()
    assert browser.get(ACCOUNT).status_code == 302  # to the sign-in page


def test_a_deleted_member_is_signed_out_at_the_next_request(
    client, django_capture_on_commit_callbacks
):
    member = UserFactory()
    browser = signed_in(member)
    with django_capture_on_commit_callbacks(execute=True):
        member.delete()
    assert browser.get(ACCOUNT).status_code == 302


def test_a_second_factor_added_or_removed_counts_at_the_next_request(
    client, django_capture_on_commit_callbacks
):
    staff = UserFactory(is_staff=True, is_superuser=True)
    browser = signed_in(staff)
    assert browser.get("/admin/").url == "/accounts/2fa/"  # sent to set one up (P7)
    with django_capture_on_commit_callbacks(execute=True):
        totp = Authenticator.objects.create(
            user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"}
        )
    assert browser.get("/admin/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        totp.delete()
    assert browser.get("/admin/").status_code == 302


def test_a_copy_read_before_a_change_committed_is_never_used(
    client, django_capture_on_commit_callbacks
):
    """The copy carries the version read with the session, before the row: a change committed
    between the two leaves it out of date."""
    member = UserFactory()
    browser = signed_in(member)
    cache.delete(store(browser)._member_key(browser.cookies["sessionid"].value))
    session = store(browser)  # the version read with the session
    with django_capture_on_commit_callbacks(execute=True):  # the change, then its commit
        User.objects.filter(pk=member.pk).update(is_active=False)
        members_changed()
    session.keep_member(User.objects.get(pk=member.pk))  # the row, read after the change
    assert store(browser).kept_user() is None
    assert browser.get(ACCOUNT).status_code == 302


def test_a_copy_is_used_only_with_the_session_it_was_kept_for(client):
    member, other = UserFactory(), UserFactory()
    browser, thief = signed_in(member), signed_in(other)
    kept = cache.get(store(browser)._member_key(browser.cookies["sessionid"].value))
    cache.set(store(thief)._member_key(thief.cookies["sessionid"].value), kept, CACHE_SECONDS)
    assert other.username in thief.get(ACCOUNT).content.decode()  # not the member's account


def test_a_new_secret_key_signs_everyone_out_copies_or_not(client, settings):
    member = UserFactory()
    browser = signed_in(member)
    settings.SECRET_KEY = "a new key, as after a leak, " * 3
    assert browser.get(ACCOUNT).status_code == 302


def test_signing_out_drops_the_copy(client):
    member = UserFactory()
    browser = signed_in(member)
    session_key = browser.cookies["sessionid"].value
    assert browser.post("/accounts/logout/").status_code == 302
    assert cache.get(SessionStore(session_key)._member_key(session_key)) is None


def test_saving_a_member_made_from_the_copy_keeps_their_password(client):
    member = UserFactory()
    browser = signed_in(member)
    response = browser.post(ACCOUNT, {"display_name": "Priya", "notify_replies": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Priya" and member.check_password(PASSWORD)


def test_without_the_members_version_nothing_is_kept_until_it_is_set_again(client):
    member = UserFactory()
    browser = signed_in(member)
    cache.delete(MEMBERS_KEY)  # evicted, or a cache just flushed
    browser.get(ACCOUNT)
    assert store(browser).kept_user() is None
    browser.get(ACCOUNT)  # the version set by the request before
    assert store(browser).kept_user() == member

import pytest
from django.core.cache import cache
from django.test import Client

from .factories import PASSWORD, ModeratorFactory, StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and counters live in the cache: every test starts from an empty one."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def moderator(db):
    return ModeratorFactory()


@pytest.fixture
def moderator_client(moderator):
    """Its own client, so a test can compare what a member and a moderator see."""
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def staff_client(db):
    """An administrator signed in with a second factor, as the admin requires (P7)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    staff = StaffFactory()
    TOTP.activate(staff, generate_totp_secret())
    client = Client()
    client.force_login(staff)
    return client

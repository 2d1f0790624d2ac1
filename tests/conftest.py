import pytest
from django.core.cache import cache

from .factories import PASSWORD, UserFactory


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

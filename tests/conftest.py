import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from community import antispam
from community.celery import app as celery_app

from .factories import (
    PASSWORD,
    ModeratorFactory,
    StaffFactory,
    UserFactory,
    subscribe_to_newsletter,
)
from .redis_server import deploy_on_redis, hung_redis, own_redis  # noqa: F401  (fixtures)


def pytest_configure(config):
    """Tasks go through a real broker: Redis when REDIS_URL is set (CI), otherwise Celery's
    in-memory transport. Chosen once, before any task is sent, so producers and workers agree."""
    if not settings.REDIS_URL:
        celery_app.conf.broker_url = "memory://"
        celery_app.conf.broker_transport_options = {}


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker, in a thread, consuming the project's queue."""
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


@pytest.fixture
def wait_until():
    """Poll until `condition()` is true (a worker finishing), for at most `timeout` seconds."""

    def wait(condition, timeout=60):
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.1)
        return condition()

    return wait


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and counters live in the caches: every test starts from empty ones."""
    _clear_caches()
    yield
    _clear_caches()


def _clear_caches():
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _page_view_counts_sent_at_once(settings):
    """A page view's counts go to Redis with the view (on the site they wait in the process for
    up to a second: community.tallies), so that no test's counts arrive in the next test's
    Redis. tests/test_tallies.py tests the waiting."""
    settings.TALLIES_SEND_SECONDS = 0


@pytest.fixture(autouse=True)
def _antispam_for_scripted_posts(request, settings, monkeypatch):
    """Most tests post forms as a script would, about something else: at once (the minimum time
    is 0) and without the page's anti-spam fields, which count as absent, not as tampered.
    A form that does carry them (a page's defaults, a browser) is checked as on the site.
    Tests that ask for `strict_antispam` get the real rules (tests/test_antispam.py)."""
    if "strict_antispam" in request.fixturenames:
        return
    settings.ANTISPAM_MIN_SECONDS = 0
    real = antispam.problem

    def problem_unless_left_out(data, salt):
        if antispam.STAMP_FIELD in data or antispam.HONEYPOT_FIELD in data:
            return real(data, salt)
        return None

    monkeypatch.setattr(antispam, "problem", problem_unless_left_out)


@pytest.fixture
def strict_antispam(settings):
    """The anti-spam rules exactly as on the site, with the default minimum time."""
    settings.ANTISPAM_MIN_SECONDS = 3


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files (sponsored resources) go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


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
    """A member of the Moderators group with a second factor, as staff need (P7)."""
    return ModeratorFactory(second_factor=True)


@pytest.fixture
def moderator_client(moderator):
    """Its own client, so a test can compare what a member and a moderator see."""
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def staff_member(db):
    """An administrator with a second factor, as staff need before they may act (P7)."""
    return StaffFactory(second_factor=True)


@pytest.fixture
def staff_client(staff_member):
    """An administrator signed in with a second factor, as the admin requires (P7)."""
    client = Client()
    client.force_login(staff_member)
    return client


@pytest.fixture
def eager_tasks(monkeypatch):
    """Tasks sent with .delay run at once, in the test's process, through their real code."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def export_storage(tmp_path, monkeypatch):
    """Data exports go to a temporary folder, not var/media/private."""
    from django.core.files.storage import FileSystemStorage

    from privacy.models import DataExport

    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(DataExport._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture
def privacy_officer(db):
    """A member of the Privacy officers group (a data migration), with a second factor."""
    from django.contrib.auth.models import Group

    officer = UserFactory(is_staff=True, second_factor=True)
    officer.groups.add(Group.objects.get(name="Privacy officers"))
    return officer


@pytest.fixture
def privacy_officer_client(privacy_officer):
    client = Client()
    client.force_login(privacy_officer)
    return client


@pytest.fixture
def newsletter_subscriber(db):
    """A member who agreed to the newsletter when signing up."""
    member = UserFactory()
    subscribe_to_newsletter(user=member)
    return member

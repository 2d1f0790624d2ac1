"""What an operator runs the site with: health checks, logs and error reports that name nobody,
and password hashing."""

import json
import logging
import platform
from importlib.metadata import version

import django
import pytest
import sentry_sdk
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import Client
from sentry_sdk.transport import Transport

from community import errors
from community.celery import app as celery_app
from community.logs import RedactPersonalData
from forums.models import User

from .factories import PASSWORD, UserFactory
from .test_settings import manage

pytestmark = pytest.mark.django_db
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "k" * 20 + "x9Qz!" * 10, "ALLOWED_HOSTS": "testserver"}


def test_the_health_check_answers_a_load_balancer_without_login_and_without_versions():
    response = Client().get("/health/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert {name.split("(")[0] for name in response.json()} == {"Database", "Storage"}
    assert all(status == "OK" for status in response.json().values())
    page = Client().get("/health/services/").content.decode()
    versions = [django.get_version(), platform.python_version(), version("django-health-check")]
    for revealing in [*versions, "redis://", "postgres://", "127.0.0.1"]:
        assert revealing not in page


def test_a_redis_or_broker_outage_shows_on_the_services_check_not_the_load_balancers(
    settings, monkeypatch
):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "community.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(celery_app.conf, "broker_connection_timeout", 1)
    assert Client().get("/health/", HTTP_ACCEPT="application/json").status_code == 200
    services = Client().get("/health/services/", HTTP_ACCEPT="application/json")
    assert services.status_code == 500
    status = {name.split("(")[0]: value for name, value in services.json().items()}
    assert status["Database"] == "OK"
    assert status["Cache"] != "OK"
    assert status["Broker"] != "OK"


def test_log_lines_hold_no_email_or_ip_address():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Sign-in for %s from %s failed", None, None
    )
    record.args = ("jane.doe+forum@example.org", "203.0.113.9")
    record.request = object()
    assert RedactPersonalData().filter(record)
    assert record.getMessage() == "Sign-in for [email] from [ip] failed"
    assert not hasattr(record, "request")


def test_production_logs_are_json_lines_without_personal_data():
    result = manage(
        PRODUCTION,
        "shell",
        "-c",
        "import logging; logging.getLogger('forums').warning("
        "'reply for %s at 2001:db8::7 by %s', 'ann@example.org', '198.51.100.4')",
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "reply for [email] at [ip] by [ip]"
    assert line["levelname"] == "WARNING"
    assert "example.org" not in result.stderr and "198.51.100.4" not in result.stderr


class Captured(Transport):
    events: list = []

    def capture_envelope(self, envelope):
        self.events.extend(item.payload.json for item in envelope.items if item.type == "event")


def test_error_reports_carry_no_personal_data(rf):
    Captured.events = []
    sentry_sdk.init(
        dsn="https://public@errors.example.invalid/1",
        transport=Captured,
        data_collection=errors.COLLECT_NOTHING_PERSONAL,
        before_send=errors.scrub,
    )
    try:
        request = rf.post(
            "/privacy/newsletter/?email=ann@example.org",
            {"email": "ann@example.org"},
            HTTP_COOKIE="sessionid=secret",
            REMOTE_ADDR="203.0.113.9",
        )
        with sentry_sdk.new_scope() as scope:
            scope.set_user({"email": "ann@example.org", "ip_address": "203.0.113.9"})
            scope.set_context("request", {"data": request.POST.dict()})
            scope.add_breadcrumb(message="signed in as ann@example.org")
            address = request.POST["email"]  # a local variable a frame would carry
            try:
                raise ValueError(f"No member with the address {address}")
            except ValueError as error:
                sentry_sdk.capture_exception(error)
        sentry_sdk.flush()
    finally:
        sentry_sdk.init()  # reporting off again for the other tests
    assert len(Captured.events) == 1
    report = json.dumps(Captured.events[0])
    assert "ann@example.org" not in report
    assert "203.0.113.9" not in report
    assert "No member with the address [email]" in report


def test_passwords_are_hashed_with_argon2_and_old_hashes_upgraded_at_sign_in():
    member = UserFactory()
    assert identify_hasher(member.password).algorithm == "argon2"
    member.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    member.save(update_fields=["password"])
    client = Client()
    client.post("/accounts/login/", {"login": member.username, "password": PASSWORD})
    assert identify_hasher(User.objects.get(pk=member.pk).password).algorithm == "argon2"

"""A retention job that stopped for a week, and a cookie nobody declared, each turn their row
red (issue 15)."""

from datetime import timedelta

import pytest
from cookie_consent.models import Cookie, CookieGroup
from django.core.management import call_command
from django.http import HttpResponse
from django.utils import timezone

from forums.models import SignIn
from privacy.desk import board, rows  # noqa: F401
from privacy.desk.middleware import set_cookie_names
from privacy.models import UndeclaredCookie
from privacy.retention.models import RetentionRun
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def desk_row(key: str, now=None) -> board.Row:
    return next(r for r in board.compute(now) if r.key == key)


def old_sign_in(days: int) -> SignIn:
    sign_in = SignIn.objects.create(user=UserFactory(), ip_address="198.51.100.9")
    SignIn.objects.filter(pk=sign_in.pk).update(created=timezone.now() - timedelta(days=days))
    return sign_in


def test_a_retention_job_stopped_for_a_week_turns_the_row_red(settings):
    old_sign_in(366 + 3)  # past its year three days ago
    last_week = timezone.localtime() - timedelta(days=8)
    call_command("enforce_retention", "--now", last_week.isoformat())  # the last run, a week ago
    row = desk_row("retention")
    assert row.status == board.RED
    line = next(line for line in row.table if line[1] == "sign-ins")
    assert line[0] == "Broken" and line[5] == "1" and "past its period" in line[6]
    assert line[3] == f"{last_week:%Y-%m-%d %H:%M}"

    call_command("enforce_retention")  # the job runs again
    assert desk_row("retention").status == board.GREEN
    assert not SignIn.objects.exists()


def test_a_rule_that_never_ran_while_nothing_expired_is_amber_not_red(settings, db):
    settings.DPO_EMAIL = "dpo@community.example"
    row = desk_row("retention")
    assert row.status == board.AMBER


def test_the_desk_can_look_a_week_ahead_and_sees_the_job_falling_behind(all_kept):
    old_sign_in(362)  # its year ends in three days
    assert desk_row("retention").status == board.GREEN
    assert desk_row("retention", timezone.now() + timedelta(days=8)).status == board.RED


def test_a_rule_whose_last_run_failed_is_red(all_kept):
    RetentionRun.objects.create(
        rule="sign-ins", as_of=timezone.now(), finished=timezone.now(), error="OperationalError"
    )
    assert desk_row("retention").status == board.RED


@pytest.mark.urls("tests.privacy.desk.urls")
def test_an_undeclared_cookie_set_by_a_page_turns_the_cookies_row_red(client, all_kept):
    assert desk_row("cookies").status == board.GREEN
    client.get("/test/undeclared-cookie/")
    client.get("/test/undeclared-cookie/")
    cookie = UndeclaredCookie.objects.get()
    assert (cookie.name, cookie.times) == ("_tracker_id", 2)
    row = desk_row("cookies")
    assert row.status == board.RED and "_tracker_id" in row.evidence[0]


@pytest.mark.urls("tests.privacy.desk.urls")
def test_declared_cookies_write_nothing(client, user):
    client.get("/accounts/login/")  # sets csrftoken, a declared cookie
    client.force_login(user)
    client.get("/privacy/my-data/")  # sessionid
    assert {"csrftoken", "sessionid"} <= set(client.cookies)
    assert list(UndeclaredCookie.objects.values_list("name", flat=True)) == []


def test_deleting_a_cookie_is_not_setting_one():
    response = HttpResponse()
    response.delete_cookie("_old_tracker")
    response.set_cookie("new_one", "1")
    assert set_cookie_names(response) == ["new_one"]


@pytest.mark.urls("tests.privacy.desk.urls")
def test_declaring_the_cookie_stops_it_being_counted(client):
    client.get("/test/undeclared-cookie/")
    assert UndeclaredCookie.objects.get().times == 1
    group = CookieGroup.objects.get(varname="analytics")
    Cookie.objects.create(cookiegroup=group, name="_tracker_*", description="An outside tracker")
    client.get("/test/undeclared-cookie/")
    assert UndeclaredCookie.objects.get().times == 1

"""The desk page (issue 15): who may see it, every promise on it, each state written out, and a
constant number of queries however much data there is."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums.models import SignIn
from privacy import consent
from privacy.breaches.models import Breach
from privacy.desk import board, rows  # noqa: F401
from privacy.models import Consent, DataRequest
from privacy.requests import state
from tests.factories import StaffFactory, UserFactory, subscribe_to_newsletter

pytestmark = pytest.mark.django_db
URL = "/admin/privacy/desk/"


def test_privacy_officers_and_administrators_see_the_desk(privacy_officer_client, staff_client):
    for client in (privacy_officer_client, staff_client):
        response = client.get(URL)
        assert response.status_code == 200
        assert "Privacy officer&#x27;s desk" in response.content.decode()


def test_a_moderator_or_staff_without_the_permission_get_403(moderator_client):
    assert moderator_client.get(URL).status_code == 403
    staff = UserFactory(is_staff=True, second_factor=True)
    client = Client()
    client.force_login(staff)
    assert client.get(URL).status_code == 403


def test_visitors_and_members_are_sent_to_sign_in(client, user_client):
    for c in (client, user_client):
        response = c.get(URL)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_staff_without_a_second_factor_are_sent_to_set_one_up(db):
    officer = UserFactory(is_staff=True)
    officer.groups.add(Group.objects.get(name="Privacy officers"))
    client = Client()
    client.force_login(officer)
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/"


def test_every_promise_has_a_row_and_states_are_words_not_only_colours(privacy_officer_client):
    assert board.promises_covered(board.compute()) == set(range(1, 28))
    html = privacy_officer_client.get(URL).content.decode()
    for label in ("Kept", "Needs attention", "No live check"):
        assert f">{label}</span>" in html
    assert "<script>" not in html  # no inline script (CSP): the admin's own files only


def test_promises_without_a_live_check_are_never_green():
    for row in board.compute():
        if row.key.startswith("design-"):
            assert row.status == board.NOT_LIVE


def test_the_admin_index_links_to_the_desk(privacy_officer_client, moderator_client):
    assert URL in privacy_officer_client.get("/admin/").content.decode()
    assert URL not in moderator_client.get("/admin/").content.decode()


def some_data(n: int) -> None:
    """Members with sign-ins, newsletter opt-ins and withdrawals, requests open and closed,
    staff with and without a second factor."""
    for i in range(n):
        member = UserFactory()
        SignIn.objects.create(user=member, ip_address="198.51.100.7")
        subscribe_to_newsletter(user=member)
        if i % 2:
            consent.record(
                user=member,
                purpose=consent.NEWSLETTER,
                granted=False,
                source=Consent.Source.PREFERENCES,
                text=consent.current_text("signup-newsletter"),
            )
        request = state.create(kind=DataRequest.Kind.RECTIFICATION, user=member, details="Fix")
        if i % 3 == 0:
            state.complete(request, outcome="Done")
        StaffFactory(second_factor=bool(i % 2))


def test_the_page_takes_the_same_number_of_queries_however_much_data(
    privacy_officer_client, django_assert_max_num_queries
):
    some_data(2)
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        assert privacy_officer_client.get(URL).status_code == 200
    some_data(12)
    cache.clear()  # the counts kept for a few minutes are counted again
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert privacy_officer_client.get(URL).status_code == 200


def test_an_overdue_request_turns_the_requests_row_red(all_kept, privacy_officer_client):
    request = state.create(kind=DataRequest.Kind.RECTIFICATION, user=UserFactory(), details="x")
    row = next(r for r in board.compute() if r.key == "requests")
    assert row.status == board.AMBER or row.status == board.GREEN
    DataRequest.objects.filter(pk=request.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    row = next(r for r in board.compute() if r.key == "requests")
    assert row.status == board.RED and "1 overdue" in row.summary
    html = privacy_officer_client.get(URL).content.decode()
    assert 'id="desk-requests" class="desk-row-red"' in html


def test_an_extension_the_requester_was_not_told_of_turns_the_row_red(all_kept):
    request = state.create(kind=DataRequest.Kind.RECTIFICATION, user=UserFactory(), details="x")
    DataRequest.objects.filter(pk=request.pk).update(
        extended_due_date=timezone.localdate() + timedelta(days=60)
    )
    row = next(r for r in board.compute() if r.key == "requests")
    assert row.status == board.RED
    assert ("Extended without the requester told", "1") in row.table


def test_staff_without_a_second_factor_turn_the_access_row_red(all_kept):
    assert next(r for r in board.compute() if r.key == "access").status == board.GREEN
    StaffFactory()
    row = next(r for r in board.compute() if r.key == "access")
    assert row.status == board.RED and "1 without a second factor" in row.summary


def breaches_row():
    return next(r for r in board.compute() if r.key == "breaches")


def test_a_breach_near_its_72_hour_deadline_turns_the_breaches_row_red():
    assert breaches_row().status == board.GREEN
    Breach.objects.create(summary="Laptop lost", discovered_at=timezone.now() - timedelta(hours=60))
    row = breaches_row()
    assert row.status == board.RED
    assert "Laptop lost" in str(row.table)

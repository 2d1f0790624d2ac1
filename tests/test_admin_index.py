"""The admin's index tells staff what waits for them: open reports in the moderation queue
(one count query), data requests due; the consent ledger offers no bare "Add" (it is
append-only: staff only record a person's written request); model names read right."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.models import Report, SignIn

from .factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def report(n=0):
    return Report.objects.create(post=PostFactory(), reporter=UserFactory(), reason=f"Spam {n}")


def test_the_index_shows_the_open_reports_to_moderators(moderator_client):
    html = moderator_client.get("/admin/").content.decode()
    assert 'id="moderation-queue-notice"' in html and "No open reports" in html
    report(1), report(2)
    Report.objects.create(
        post=PostFactory(), reporter=UserFactory(), reason="Old", status=Report.Status.DISMISSED
    )
    html = moderator_client.get("/admin/").content.decode()
    assert '<span class="request-due-soon">2</span> open reports waiting' in html
    assert 'href="/admin/forums/report/?status__exact=open"' in html


def test_the_open_report_count_is_one_query_however_many_reports(
    moderator_client, django_assert_num_queries
):
    moderator_client.get("/admin/")  # sessions and permissions warmed up
    report(0)
    with CaptureQueriesContext(connection) as few:
        moderator_client.get("/admin/")
    for n in range(1, 15):
        report(n)
    with django_assert_num_queries(len(few.captured_queries)):
        response = moderator_client.get("/admin/")
    assert "15</span> open reports" in response.content.decode()


def test_staff_who_may_not_see_the_queue_are_not_told_about_it(privacy_officer_client):
    report()
    html = privacy_officer_client.get("/admin/").content.decode()
    assert "moderation-queue-notice" not in html and "open report" not in html


def test_the_consent_ledger_has_no_add_link_but_records_written_requests(staff_client):
    index = staff_client.get("/admin/").content.decode()
    assert 'href="/admin/privacy/consent/"' in index
    assert 'href="/admin/privacy/consent/add/"' not in index
    ledger = staff_client.get("/admin/privacy/consent/").content.decode()
    assert "Add consent" not in ledger
    assert '<a href="/admin/privacy/consent/add/">Record a written request</a>' in ledger
    form = staff_client.get("/admin/privacy/consent/add/").content.decode()
    assert "Record a written request" in form


def test_model_names_are_spelled_right():
    names = {model._meta.verbose_name_plural for model in admin.site._registry}
    assert {"sign-ins", "newsletter deliveries", "data requests", "feedback"} <= names
    assert SignIn._meta.verbose_name == "sign-in"
    assert not {"sign ins", "newsletter deliverys", "feedbacks"} & names

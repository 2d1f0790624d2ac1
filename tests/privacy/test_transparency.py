"""The public transparency report (/privacy/transparency/): per quarter, computed from the
records, holding no personal data, small counts blurred, in a constant number of queries."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from privacy.breaches import state as breaches
from privacy.models import Breach, DataRequest, Disclosure, RetentionRun
from privacy.requests import state
from privacy.transparency import report as transparency

from ..factories import SponsorFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
Kind = DataRequest.Kind


def answered_request(member, kind=Kind.OBJECTION, days=10, refuse_as=None):
    request = state.create(kind=kind, user=member, details=f"I am {member.username}")
    if refuse_as:
        state.refuse(request, reason="Excessive", category=refuse_as)
    else:
        state.complete(request, outcome=f"Done for {member.email}")
    closed = timezone.now()
    DataRequest.objects.filter(pk=request.pk).update(
        received=closed - timedelta(days=days), closed=closed
    )
    return request


def page(client):
    response = client.get("/privacy/transparency/")
    assert response.status_code == 200
    return response.content.decode()


QUARTER = '<section class="card" aria-labelledby="q-'


def this_quarter(html: str) -> str:
    return html.split(QUARTER)[1]


def test_the_privacy_page_links_to_the_report(client):
    assert 'href="/privacy/transparency/"' in client.get("/privacy/").content.decode()


def test_small_counts_read_fewer_than_5_and_no_name_or_address_appears(client):
    members = [UserFactory(username=f"zora{n}", email=f"zora{n}@example.net") for n in range(3)]
    for member in members:
        answered_request(member)
    sponsor = SponsorFactory(name="Acme Dialler", contact_name="Quentin Contact")
    Disclosure.objects.create(sponsor=sponsor, disclosed_by=StaffFactory(), people=2)
    html = page(client)
    quarter = this_quarter(html)
    assert "fewer than 5" in quarter
    assert ">3<" not in quarter and ">2<" not in quarter
    assert "Acme Dialler" in quarter
    for secret in ["zora", "example.net", "Quentin", "Done for", "I am"]:
        assert secret not in html


def test_counts_from_5_are_shown_with_the_median_and_refusal_categories(client):
    members = [UserFactory() for _ in range(7)]
    for n, member in enumerate(members[:5]):
        answered_request(member, days=2 * n + 1)  # 1, 3, 5, 7, 9 days
    for member in members[5:]:  # 10 days each: the median of all seven answers is 7
        answered_request(member, refuse_as=DataRequest.RefusalCategory.UNFOUNDED)
    quarter = this_quarter(page(client))
    assert "<td>7</td>" in quarter  # objections received
    assert "<td>5</td>" in quarter  # completed
    assert "median time to answer: 7 days" in quarter.replace("\n", " ")
    assert "Manifestly unfounded or excessive (Art. 12(5)): fewer than 5" in quarter


def test_the_median_is_not_shown_from_fewer_than_5_answers(client):
    answered_request(UserFactory())
    assert "median" not in this_quarter(page(client))


def test_breaches_notified_and_retention_runs_are_counted_by_quarter(client):
    staff = StaffFactory()
    for _ in range(6):
        breach = breaches.save(Breach(summary="Lost", description="x"), by=staff)
        breaches.notify_authority(breach, at=timezone.now(), how="Form", by=staff)
    RetentionRun.objects.create(rule="sign-ins", as_of=timezone.now(), changed=1200)
    RetentionRun.objects.create(rule="sign-ins", as_of=timezone.now(), changed=34)
    RetentionRun.objects.create(rule="sessions", as_of=timezone.now(), changed=3)
    quarter = this_quarter(page(client))
    assert "6." in quarter.split("supervisory authority</h3>")[1].split("</p>")[0]
    assert "<td>1234</td>" in quarter
    assert "Sign-in sessions: Sessions past their expiry date." in quarter


def test_earlier_quarters_are_reported_apart(client):
    long_ago = timezone.now() - timedelta(days=200)
    for _ in range(5):
        RetentionRun.objects.create(rule="sign-ins", as_of=long_ago, started=long_ago, changed=9)
    html = page(client)
    assert "<td>45</td>" not in this_quarter(html) and "<td>45</td>" in html
    assert html.count(QUARTER) == transparency.QUARTERS_SHOWN


def test_the_report_takes_the_same_queries_however_many_records(client):
    def queries() -> int:
        transparency.cache.clear()
        caches["near"].clear()  # each process's copies of the settings every page reads
        with CaptureQueriesContext(connection) as captured:
            page(client)
        return len(captured.captured_queries)

    staff = StaffFactory()
    empty = queries()
    for n in range(30):
        answered_request(UserFactory(), days=n, refuse_as="other" if n % 3 else None)
        Disclosure.objects.create(sponsor=SponsorFactory(), disclosed_by=staff, people=n)
        RetentionRun.objects.create(rule=f"rule-{n % 4}", as_of=timezone.now(), changed=n)
    # The report's 8 grouped queries and the page's own (with the settings every page reads
    # once per cache lifetime, such as the declared cookie names: the caches are cleared above).
    assert queries() == empty <= 12


def test_the_report_is_cached(django_assert_num_queries):
    first = transparency.report()
    with django_assert_num_queries(0):
        assert transparency.report() == first


def test_a_quarter_with_no_records_says_so_in_one_line(client):
    assert "Nothing to report" in this_quarter(page(client))

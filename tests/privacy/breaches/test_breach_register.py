"""The breach register (Art. 33-34): the 72-hour clock, the decisions on its audit trail, the
admin for staff with the dedicated permission only, and records that erasure keeps (P18)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forums.models import SignIn
from privacy import registry
from privacy.breaches import desk, notice, state
from privacy.models import Breach, BreachEvent, DataRequest
from privacy.requests import state as requests
from privacy.requests.erasure import erase
from tests.factories import PostFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def recorded(discovered_hours_ago=1, by=None, **facts):
    breach = Breach(
        summary="A backup of the sign-in table was readable by anyone with its link",
        description="The bucket was public for two days.",
        discovered_at=timezone.now() - discovered_hours_ago * HOUR,
        kinds=["sign-ins"],
        **facts,
    )
    return state.save(breach, by=by or StaffFactory())


# The 72-hour clock


@pytest.mark.parametrize(
    "hours_ago, status, hours_left",
    [(1, "amber", 71), (47.5, "amber", 24), (48.5, "red", 23), (71.5, "red", 0), (80, "red", -8)],
)
def test_the_clock_turns_red_under_24_hours_left_and_stays_red_when_overdue(
    hours_ago, status, hours_left
):
    now = timezone.now()
    breach = recorded(discovered_hours_ago=0)
    Breach.objects.filter(pk=breach.pk).update(discovered_at=now - hours_ago * HOUR)
    (row,) = desk.rows(now)
    assert (row.breach_id, row.status, row.hours_left) == (breach.pk, status, hours_left)
    assert ("overdue" in row.evidence) == (hours_left < 0)
    assert row.url == reverse("admin:privacy_breach_change", args=[breach.pk])


def test_the_clock_stops_once_the_authority_is_notified_or_not_to_be(staff_member):
    notified, not_needed, running = recorded(), recorded(), recorded(discovered_hours_ago=60)
    state.notify_authority(notified, at=timezone.now(), how="Online form", by=staff_member)
    state.authority_not_required(not_needed, reason="Encrypted, key safe", by=staff_member)
    assert [row.breach_id for row in desk.rows()] == [running.pk]


def test_the_desk_lists_a_breach_whose_people_must_be_told_and_are_not_yet(staff_member):
    breach = recorded()
    state.authority_not_required(breach, reason="Low risk", by=staff_member)
    state.decide_people(breach, must_tell=True, by=staff_member)
    (row,) = desk.rows()
    assert row.status == "amber" and row.hours_left is None and "must be told" in row.evidence


def test_the_desk_rows_take_two_queries_however_many_breaches(django_assert_num_queries):
    for _ in range(5):
        recorded()
    with django_assert_num_queries(2):
        assert len(desk.rows()) == 5


def test_a_late_notification_needs_the_reasons_for_the_delay(staff_member):
    breach = recorded(discovered_hours_ago=100)
    with pytest.raises(state.BreachError, match="72 hours"):
        state.notify_authority(breach, at=timezone.now(), how="By phone", by=staff_member)
    state.notify_authority(
        breach, at=timezone.now(), how="By phone", delay_reason="Found late", by=staff_member
    )
    breach.refresh_from_db()
    assert breach.authority_status == Breach.Authority.NOTIFIED and breach.delay_reason


def test_a_notification_cannot_be_in_the_future_or_recorded_twice(staff_member):
    breach = recorded()
    with pytest.raises(state.BreachError):
        state.notify_authority(breach, at=timezone.now() + HOUR, how="x", by=staff_member)
    state.notify_authority(breach, at=timezone.now(), how="Form", by=staff_member)
    with pytest.raises(state.BreachError, match="already"):
        state.authority_not_required(breach, reason="Changed my mind", by=staff_member)


def test_not_telling_the_people_affected_needs_a_reason(staff_member):
    breach = recorded()
    with pytest.raises(state.BreachError, match="34"):
        state.decide_people(breach, must_tell=False, reason=" ", by=staff_member)


# What is recorded


def test_people_affected_is_suggested_from_the_members_holding_data_of_those_kinds():
    holders = [UserFactory() for _ in range(3)]
    for member in holders[:2]:
        SignIn.objects.create(user=member, ip_address="192.0.2.1", user_agent="Firefox")
    PostFactory(author=holders[2])
    assert recorded().people_affected == 2
    assert recorded(people_affected=40).people_affected == 40  # staff's own figure stays


def test_the_inventory_counts_rows_and_people_per_declaration():
    member = UserFactory()
    for _ in range(3):
        SignIn.objects.create(user=member, ip_address="192.0.2.1", user_agent="Firefox")
    counts = {h.declaration.key: (h.rows, h.people) for h in registry.inventory()}
    assert counts["sign-ins"] == (3, 1)
    assert counts["sessions"][1] is None  # a session cannot be traced to a person


def test_every_change_is_on_the_audit_trail_naming_fields_not_values(staff_member):
    breach = recorded(by=staff_member)
    breach.measures = "Bucket made private; links rotated."
    state.save(breach, by=staff_member, changed=["measures"])
    state.authority_not_required(breach, reason="Nothing readable", by=staff_member)
    trail = list(breach.events.values_list("action", "actor", "note"))
    assert [action for action, _, _ in trail] == ["recorded", "changed", "authority-not-required"]
    assert all(actor == staff_member.pk for _, actor, _ in trail)
    assert trail[1][2] == "Changed: measures taken or proposed."


def test_unknown_kinds_or_a_discovery_in_the_future_are_refused():
    with pytest.raises(state.BreachError):
        recorded(discovered_hours_ago=-2)
    breach = recorded()
    breach.kinds = ["no-such-kind"]
    with pytest.raises(state.BreachError):
        state.save(breach, by=None, changed=["kinds"])


def test_erasure_keeps_breach_records_and_their_trail():
    staff = StaffFactory()
    breach = recorded(by=staff)
    for person in (staff,):
        erasure = requests.create(kind=DataRequest.Kind.ERASURE, user=person, keep_posts=True)
        erase(erasure.pk)
    breach.refresh_from_db()
    assert breach.summary.startswith("A backup") and breach.recorded_by is None
    assert BreachEvent.objects.filter(breach=breach, actor=None).count() == 1
    assert registry.get("breach-register").erasure.action == registry.Erasure.KEEP


# The admin


def test_only_staff_with_the_breach_permission_open_the_register(moderator, staff_member):
    recorded()
    url = reverse("admin:privacy_breach_changelist")
    moderator_client = Client()
    moderator_client.force_login(moderator)
    assert moderator_client.get(url).status_code == 403
    officer = UserFactory(is_staff=True, second_factor=True)
    officer.user_permissions.add(Permission.objects.get(codename="manage_breaches"))
    officer_client = Client()
    officer_client.force_login(officer)
    page = officer_client.get(url)
    assert page.status_code == 200 and "h left" in page.content.decode()


def test_privacy_officers_record_a_breach_in_the_admin(privacy_officer_client, privacy_officer):
    SignIn.objects.create(user=UserFactory(), ip_address="192.0.2.1", user_agent="Firefox")
    response = privacy_officer_client.post(
        reverse("admin:privacy_breach_add"),
        {
            "summary": "Laptop with an export stolen",
            "description": "A staff laptop.",
            "discovered_at_0": timezone.localdate().isoformat(),
            "discovered_at_1": "00:00:00",
            "kinds": ["sign-ins"],
            "consequences": "",
            "measures": "Remote wipe.",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    breach = Breach.objects.get()
    holders = SignIn.objects.values("user").distinct().count()  # the officer's sign-in too
    assert breach.recorded_by == privacy_officer and breach.people_affected == holders == 2
    assert breach.events.get().action == BreachEvent.Action.RECORDED


def test_the_admin_action_records_the_notification(privacy_officer_client):
    breach = recorded()
    response = privacy_officer_client.post(
        reverse("admin:privacy_breach_changelist"),
        {
            "action": "notify_authority",
            "_selected_action": [breach.pk],
            "apply": "1",
            "at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "how": "ICO online form, case ABC-1",
        },
    )
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.authority_status == Breach.Authority.NOTIFIED
    assert breach.authority_notification == "ICO online form, case ABC-1"


def test_breach_records_cannot_be_deleted_from_the_admin(privacy_officer_client):
    breach = recorded()
    url = reverse("admin:privacy_breach_delete", args=[breach.pk])
    assert privacy_officer_client.post(url, {"post": "yes"}).status_code == 403
    assert Breach.objects.filter(pk=breach.pk).exists()


def test_the_add_form_offers_every_kind_with_what_the_site_holds(privacy_officer_client):
    SignIn.objects.create(user=UserFactory(), ip_address="192.0.2.1", user_agent="Firefox")
    html = privacy_officer_client.get(reverse("admin:privacy_breach_add")).content.decode()
    for declaration in registry.declarations():
        assert f'value="{declaration.key}"' in html
    assert "Sign-in records (" in html and "people)" in html


def test_a_kind_no_longer_declared_is_shown_and_emails_nobody(privacy_officer_client):
    signed_in = UserFactory()
    SignIn.objects.create(user=signed_in, ip_address="192.0.2.1", user_agent="Firefox")
    breach = recorded()
    Breach.objects.filter(pk=breach.pk).update(kinds=["sign-ins", "a-kind-since-removed"])
    breach.refresh_from_db()
    response = privacy_officer_client.get(reverse("admin:privacy_breach_change", args=[breach.pk]))
    assert response.status_code == 200
    assert "a-kind-since-removed (no longer declared)" in response.content.decode()
    recipients = set(notice.recipients(breach))  # the officer's own sign-in counts too
    assert signed_in in recipients and recipients == set(registry.members_holding(["sign-ins"]))

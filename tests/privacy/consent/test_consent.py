import pytest
from django.urls import reverse

from privacy import consent
from privacy.models import Consent

from ...factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def newsletter_text():
    return consent.current_text("preferences-newsletter")


def record(granted, **who):
    return consent.record(
        purpose=consent.NEWSLETTER,
        granted=granted,
        source=Consent.Source.PREFERENCES,
        text=newsletter_text(),
        **who,
    )


def test_the_newest_row_is_the_current_state():
    member = UserFactory()
    record(True, user=member)
    assert consent.has_consent(consent.NEWSLETTER, user=member)
    record(False, user=member)
    assert not consent.has_consent(consent.NEWSLETTER, user=member)
    assert Consent.objects.filter(user=member).count() == 2


def test_ledger_rows_cannot_be_updated():
    row = record(True, user=UserFactory())
    row.granted = False
    with pytest.raises(ValueError, match="append-only"):
        row.save()


def test_visitor_addresses_are_matched_whatever_their_case():
    record(True, email="Visitor@Example.org")
    assert consent.has_consent(consent.NEWSLETTER, email="visitor@example.org")
    assert Consent.objects.get().email == "visitor@example.org"


def test_granted_lists_each_person_whose_current_row_is_a_grant():
    stays, leaves, never = UserFactory(), UserFactory(), UserFactory()
    record(True, user=stays)
    record(True, user=leaves)
    record(False, user=leaves)
    record(False, user=never)
    record(True, email="visitor@example.org")
    rows = consent.granted(consent.NEWSLETTER)
    assert {(r.user_id, r.email) for r in rows} == {(stays.pk, ""), (None, "visitor@example.org")}


def test_a_consent_needs_a_member_or_an_address():
    with pytest.raises(ValueError):
        record(True)


def test_preferences_page_records_opt_in_and_opt_out(client):
    member = UserFactory()
    client.force_login(member)
    page = client.get("/privacy/preferences/").content.decode()
    assert 'name="newsletter"' in page and "checked" not in page.split('name="newsletter"')[1][:40]
    assert "cannot be switched off" in page
    client.post("/privacy/preferences/", {"newsletter": "on"})
    row = consent.latest(consent.NEWSLETTER, user=member)
    assert row.granted and row.source == Consent.Source.PREFERENCES
    assert row.text.key == "preferences-newsletter"
    client.post("/privacy/preferences/", {"newsletter": "on"})  # no change, no new row
    assert Consent.objects.filter(user=member).count() == 1
    client.post("/privacy/preferences/", {})
    assert not consent.has_consent(consent.NEWSLETTER, user=member)
    assert Consent.objects.filter(user=member).count() == 2


def test_preferences_page_links_to_the_reply_email_switch(client):
    client.force_login(UserFactory())
    page = client.get("/privacy/preferences/").content.decode()
    assert reverse("account_overview") + "#emails-heading" in page


def test_preferences_page_switches_reply_notifications(client):
    # The switch is the forums' own, on the account page the preferences page links to.
    member = UserFactory()
    client.force_login(member)
    switch = reverse("account_notifications")
    client.post(switch, {"notify_replies": ""})
    member.refresh_from_db()
    assert member.notify_replies is False
    client.post(switch, {"notify_replies": "on"})
    member.refresh_from_db()
    assert member.notify_replies is True


def test_preferences_page_needs_a_login(client):
    response = client.get("/privacy/preferences/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_record_a_withdrawal_on_a_written_request_and_cannot_edit_rows(client):
    staff, member = StaffFactory(second_factor=True), UserFactory()
    client.force_login(staff)
    row = record(True, user=member)
    data = {"user": member.pk, "purpose": "newsletter", "text": newsletter_text().pk}
    response = client.post("/admin/privacy/consent/add/", data)
    assert response.status_code == 302
    latest = consent.latest(consent.NEWSLETTER, user=member)
    assert (latest.granted, latest.source) == (False, Consent.Source.STAFF)
    refused = client.post("/admin/privacy/consent/add/", {**data, "user": ""})
    assert b"Choose the member, or give the visitor" in refused.content
    assert client.post(f"/admin/privacy/consent/{row.pk}/change/", data).status_code == 403
    assert client.post(f"/admin/privacy/consent/{row.pk}/delete/").status_code == 403

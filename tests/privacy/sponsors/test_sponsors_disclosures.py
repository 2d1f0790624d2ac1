"""Leads leave the site only with consent, and every export is a recorded disclosure (P8)."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.template import Context, Template
from django.test import Client
from django.utils import timezone

from privacy import registry
from privacy.models import Consent, DisclosedLead, Disclosure, Lead
from privacy.retention import job
from privacy.sponsors import services as sponsors

from ...factories import ResourceFactory, SponsorFactory, SponsorQuestionFactory, UserFactory
from .test_sponsors import form_data

pytestmark = pytest.mark.django_db


def sign_up(client, resource, **overrides):
    response = client.post(resource.get_absolute_url(), form_data(resource, **overrides))
    assert response.status_code == 302, response.context["form"].errors
    return Lead.objects.latest("id")


def export_url(sponsor):
    return f"/admin/privacy/sponsor/{sponsor.pk}/export-leads/"


def download(staff_client, sponsor, **data):
    response = staff_client.post(export_url(sponsor), data)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def sponsor():
    return SponsorFactory(name="Northwind Analytics")


@pytest.fixture
def leads(client, sponsor):
    """Three people: two consent (one a member), one does not; one answered a question."""
    report = ResourceFactory(sponsor=sponsor, title="The report")
    question = SponsorQuestionFactory(resource=report, text="Main channel?")
    member = UserFactory(display_name="Amina")
    client.force_login(member)
    sign_up(
        client,
        report,
        name="Amina",
        email="amina@work.example",
        consent="on",
        **{f"question_{question.pk}": "Chat"},
    )
    client.logout()
    webinar = ResourceFactory(sponsor=sponsor, title="The webinar")
    sign_up(client, webinar, name="Ben", email="ben@example.net", phone="", consent="on")
    sign_up(client, webinar, name="Carla", email="carla@example.net")
    return member


def test_the_csv_holds_only_consenting_people_and_the_fields_they_were_asked(
    staff_client, sponsor, leads
):
    rows = download(staff_client, sponsor)
    assert rows[0] == [
        "Resource",
        "Signed up",
        "Name",
        "Company",
        "Job title",
        "Phone",
        "Email",
        "Number of agents",
        "Main channel?",
        "Consent record",
        "Consent given",
    ]
    people = {row[2]: row for row in rows[1:]}
    assert set(people) == {"Amina", "Ben"}
    assert people["Amina"][8] == "Chat" and people["Amina"][6] == "amina@work.example"
    assert people["Ben"][8] == ""  # Ben's form did not ask it
    assert people["Ben"][7] == "51 to 250"
    assert "carla" not in str(rows).lower()
    assert leads.username not in str(rows)


def test_every_export_writes_its_own_disclosure_record(staff_client, sponsor, leads):
    download(staff_client, sponsor)
    download(staff_client, sponsor)
    first, second = Disclosure.objects.order_by("id")
    assert first.sponsor == second.sponsor == sponsor
    assert first.people == second.people == 2
    assert first.disclosed_by.is_staff and first.created <= second.created
    amina = DisclosedLead.objects.filter(disclosure=first, user=leads).get()
    assert amina.fields == [
        "Name",
        "Company",
        "Job title",
        "Phone",
        "Email",
        "Number of agents",
        "Main channel?",
    ]
    assert amina.consent.granted and amina.consent.purpose == f"sponsor:{sponsor.pk}"
    ben = DisclosedLead.objects.get(disclosure=first, email="ben@example.net")
    assert "Phone" not in ben.fields and "Main channel?" not in ben.fields
    assert DisclosedLead.objects.count() == 4


def test_a_strangers_grant_under_someones_address_does_not_send_their_earlier_lead(
    staff_client, client, sponsor
):
    resource = ResourceFactory(sponsor=sponsor)
    sign_up(client, resource, name="Victim", phone="+44 1632 960001", email="victim@x.example")
    stranger = Client()
    sign_up(stranger, resource, name="Anyone", phone="", email="VICTIM@x.example", consent="on")
    rows = download(staff_client, sponsor)
    assert [row[2] for row in rows[1:]] == ["Anyone"]  # only what the stranger typed
    assert "Victim" not in str(rows) and "960001" not in str(rows)
    assert not DisclosedLead.objects.filter(lead__name="Victim").exists()


def test_a_members_own_grant_does_not_revive_an_earlier_lead_given_without_consent(
    staff_client, client, sponsor
):
    member = UserFactory()
    client.force_login(member)
    sign_up(client, ResourceFactory(sponsor=sponsor), name="Without")
    sign_up(client, ResourceFactory(sponsor=sponsor), name="With", consent="on")
    assert [row[2] for row in download(staff_client, sponsor)[1:]] == ["With"]


def test_the_owners_withdrawal_stops_every_lead_made_with_their_address(
    staff_client, client, sponsor
):
    owner = UserFactory(email="owner@x.example")
    sign_up(client, ResourceFactory(sponsor=sponsor), email="Owner@x.example", consent="on")
    client.force_login(owner)
    assert sponsor in sponsors.allowed_by(owner)  # shown on the owner's page, to withdraw
    client.post(f"/resources/sponsors/{sponsor.pk}/withdraw/")
    assert len(download(staff_client, sponsor)) == 1
    assert not sponsors.allowed_by(owner)


def test_each_disclosure_row_names_the_consent_row_it_rests_on(staff_client, client, sponsor):
    resource = ResourceFactory(sponsor=sponsor)
    first = sign_up(client, resource, name="Sam", consent="on")
    second = sign_up(client, resource, name="Sam again", consent="on")  # same address
    rows = download(staff_client, sponsor)
    records = {r.lead_id: r.consent_id for r in DisclosedLead.objects.all()}
    assert records == {first.pk: first.consent_id, second.pk: second.consent_id}
    assert first.consent_id != second.consent_id
    assert [row[-2] for row in rows[1:]] == [str(first.consent_id), str(second.consent_id)]


def test_only_new_leaves_out_people_already_sent(staff_client, client, sponsor, leads):
    download(staff_client, sponsor)
    sign_up(
        client, ResourceFactory(sponsor=sponsor), name="Dev", email="dev@example.net", consent="on"
    )
    rows = download(staff_client, sponsor, only_new="on")
    assert [row[2] for row in rows[1:]] == ["Dev"]
    assert Disclosure.objects.latest("id").people == 1


def test_an_export_with_nobody_consenting_is_still_recorded(staff_client, sponsor):
    rows = download(staff_client, sponsor)
    assert len(rows) == 1
    assert Disclosure.objects.get().people == 0


def test_exporting_needs_the_export_permission(moderator, moderator_client, sponsor, leads):
    assert moderator_client.post(export_url(sponsor)).status_code == 403
    assert not Disclosure.objects.exists()


def test_the_export_page_counts_consenting_leads(staff_client, sponsor, leads):
    html = staff_client.get(export_url(sponsor)).content.decode()
    assert "<strong>2</strong>" in html
    assert (
        f"/admin/privacy/sponsor/{sponsor.pk}/export-leads/"
        in staff_client.get(f"/admin/privacy/sponsor/{sponsor.pk}/change/").content.decode()
    )


def test_export_queries_stay_constant_as_leads_grow(
    staff_client, client, sponsor, django_assert_max_num_queries
):
    resource = ResourceFactory(sponsor=sponsor)
    for n in range(30):
        sign_up(client, resource, email=f"p{n}@example.net", consent="on")
    with django_assert_max_num_queries(25):
        rows = download(staff_client, sponsor)
    assert len(rows) == 31


def test_csv_cells_cannot_start_a_spreadsheet_formula(staff_client, client, sponsor):
    sign_up(client, ResourceFactory(sponsor=sponsor), name="=HYPERLINK(1)", consent="on")
    rows = download(staff_client, sponsor)
    assert rows[1][2] == "'=HYPERLINK(1)"


def render_disclosures(user):
    return Template("{% load sponsors %}{% member_disclosures user %}").render(
        Context({"user": user})
    )


def test_a_member_sees_which_sponsors_received_their_details_and_when(staff_client, sponsor, leads):
    download(staff_client, sponsor)
    html = render_disclosures(leads)
    assert "Northwind Analytics" in html and "https://sponsor.example/privacy" in html
    assert "Main channel?" in html and timezone.localdate().strftime("%B") in html
    assert "Northwind" not in render_disclosures(UserFactory())


def test_the_data_export_lists_the_members_leads_and_disclosures(staff_client, sponsor, leads):
    download(staff_client, sponsor)
    exported = {d.key: list(records) for d, records in registry.export(leads)}
    text = json.dumps(exported, cls=DjangoJSONEncoder)
    assert [r["name"] for r in exported["sponsor-leads"]] == ["Amina"]
    assert [r["disclosure__sponsor__name"] for r in exported["sponsor-disclosures"]] == [
        "Northwind Analytics"
    ]
    assert "Ben" not in text and "carla" not in text


def test_a_visitor_is_found_by_email_address(staff_client, sponsor, leads):
    download(staff_client, sponsor)
    exported = {d.key: list(records) for d, records in registry.export("BEN@example.net")}
    assert [r["name"] for r in exported["sponsor-leads"]] == ["Ben"]
    assert len(exported["sponsor-disclosures"]) == 1


def test_erasure_removes_the_lead_and_keeps_the_disclosure_record_reduced(
    staff_client, sponsor, leads
):
    download(staff_client, sponsor)
    assert [s.name for s in sponsors.sponsors_to_contact(leads)] == ["Northwind Analytics"]
    registry.erase(leads, keep_posts=True)
    assert not Lead.objects.filter(name="Amina").exists()
    record = DisclosedLead.objects.get(user=None, email="")
    assert record.lead is None and record.disclosure.sponsor == sponsor
    assert record.consent.granted and "Main channel?" in record.fields
    assert Disclosure.objects.get().people == 2
    assert Lead.objects.filter(name="Ben").exists()  # nobody else's data goes
    registry.erase(leads, keep_posts=True)  # idempotent
    assert DisclosedLead.objects.count() == 2


def test_sponsor_contacts_include_lists_each_sponsor_with_its_privacy_notice(
    staff_client, sponsor, leads
):
    template = Template("{% load sponsors %}{% sponsor_contacts user %}")
    assert template.render(Context({"user": UserFactory()})).strip() == ""
    download(staff_client, sponsor)
    html = template.render(Context({"user": leads}))
    assert "Northwind Analytics" in html and "https://sponsor.example/privacy" in html


def test_retention_deletes_old_leads_of_people_who_did_not_consent(sponsor, leads):
    rule = next(r for r in registry.retention_rules() if r.key == "sponsor-leads-without-consent")
    Lead.objects.update(created=timezone.now() - timedelta(days=400))
    expired = rule.expired_at(timezone.now())
    assert [lead.name for lead in expired] == ["Carla"]
    assert rule.apply(expired) == 1
    assert sorted(Lead.objects.values_list("name", flat=True)) == ["Amina", "Ben"]
    assert Consent.objects.count() == 3  # proof of each choice stays (P18)


def test_retention_deletes_every_lead_after_the_longer_period(sponsor, leads):
    rule = next(r for r in registry.retention_rules() if r.key == "sponsor-leads")
    assert not rule.expired_at(timezone.now()).exists()
    Lead.objects.update(created=timezone.now() - timedelta(days=800))
    assert rule.apply(rule.expired_at(timezone.now())) == 3


def test_a_visitors_sponsor_choice_goes_once_its_lead_and_disclosure_records_are_gone(
    staff_client, client, sponsor, settings
):
    grant = sign_up(client, ResourceFactory(sponsor=sponsor), consent="on").consent
    download(staff_client, sponsor)
    assert grant.email == "sam@example.net"
    later = timezone.now() + timedelta(days=settings.RETENTION_LEAD_DAYS + 1)
    job.enforce(later)
    assert not Lead.objects.exists()
    assert DisclosedLead.objects.get().consent == grant  # still proves the disclosure (P18)
    for night in (1, 2):  # the disclosure records go, then, on the next run, the choice
        job.enforce(timezone.now() + timedelta(days=settings.RETENTION_DISCLOSURE_DAYS + night))
    assert not DisclosedLead.objects.exists()
    assert not Consent.objects.filter(email="sam@example.net").exists()


def test_the_my_data_page_lists_the_members_disclosures(client, staff_client, sponsor, leads):
    download(staff_client, sponsor)
    client.force_login(leads)
    html = client.get("/privacy/my-data/").content.decode()
    assert "Sponsors that received your details" in html
    assert "Northwind Analytics" in html and "Main channel?" in html
    grant = DisclosedLead.objects.get(user=leads).consent
    assert f"record {grant.pk}, given" in html and "sponsored resource form" in html


def test_the_erasure_page_names_each_sponsor_to_contact(client, staff_client, sponsor, leads):
    client.force_login(leads)
    assert "Northwind" not in client.get("/privacy/my-data/erase/").content.decode()
    download(staff_client, sponsor)
    html = client.get("/privacy/my-data/erase/").content.decode()
    assert "contact each of them" in html
    assert "Northwind Analytics" in html and "https://sponsor.example/privacy" in html


def test_a_member_withdraws_permission_from_the_my_data_page(client, staff_client, sponsor, leads):
    client.force_login(leads)
    html = client.get("/privacy/my-data/").content.decode()
    assert "Sponsors you allow to receive your details" in html
    response = client.post(f"/resources/sponsors/{sponsor.pk}/withdraw/")
    assert response.status_code == 302 and response.url == "/privacy/my-data/"
    row = Consent.objects.filter(user=leads).latest("id")
    assert (row.granted, row.source, row.purpose) == (False, "preferences", f"sponsor:{sponsor.pk}")
    assert row.text.wording == "Stop passing my details to Northwind Analytics."
    assert "Sponsors you allow" not in client.get("/privacy/my-data/").content.decode()
    assert [row[2] for row in download(staff_client, sponsor)[1:]] == ["Ben"]
    client.post(f"/resources/sponsors/{sponsor.pk}/withdraw/")  # again: nothing to record
    assert Consent.objects.filter(user=leads).count() == 2


def test_withdrawing_needs_a_signed_in_member_and_a_post(client, sponsor):
    assert client.post(f"/resources/sponsors/{sponsor.pk}/withdraw/").status_code == 302
    client.force_login(UserFactory())
    assert client.get(f"/resources/sponsors/{sponsor.pk}/withdraw/").status_code == 405
    assert client.post("/resources/sponsors/999999/withdraw/").status_code == 404
    assert not Consent.objects.exists()

"""Sponsored resources (P8, P23): the form, the sponsor consent, the signed download link."""

import pytest
from django.template import Context, Template

from privacy import consent
from privacy.models import Consent, Lead, Resource
from privacy.sponsors import demo
from privacy.sponsors import services as sponsors

from ...factories import (
    ResourceFactory,
    SponsorFactory,
    SponsorQuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def form_data(resource, **overrides):
    data = {
        "wording": sponsors.consent_text(resource.sponsor).pk,
        "name": "Sam Lee",
        "company": "Harbour Bank",
        "job_title": "Planner",
        "phone": "+44 20 7946 0000",
        "email": "Sam@Example.net",
        "agents": "51-250",
    }
    return {**data, **overrides}


def sign_up(client, resource, **overrides):
    return client.post(resource.get_absolute_url(), form_data(resource, **overrides))


def test_the_list_shows_published_resources_with_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    ResourceFactory.create_batch(12)
    hidden = ResourceFactory(published=False, title="Draft paper")
    with django_assert_max_num_queries(6):
        response = client.get("/resources/")
    html = response.content.decode()
    assert html.count('class="card"') == 12
    assert hidden.title not in html
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_the_form_names_the_sponsor_and_its_box_is_unticked(client):
    resource = ResourceFactory(sponsor__name="Northwind Analytics")
    html = client.get(resource.get_absolute_url()).content.decode()
    assert "Pass the details above to Northwind Analytics, and to nobody else" in html
    box = (
        html.split('name="consent"', 1)[0].rsplit("<input", 1)[1]
        + html.split('name="consent"', 1)[1].split(">", 1)[0]
    )
    assert "checked" not in box
    assert "https://sponsor.example/privacy" in html


def test_a_members_profile_fills_in_the_form(client):
    member = UserFactory(display_name="Amina Okafor", company="Northwind", job_title="Planner")
    client.force_login(member)
    form = client.get(ResourceFactory().get_absolute_url()).context["form"]
    assert form.initial == {
        "name": "Amina Okafor",
        "company": "Northwind",
        "job_title": "Planner",
        "email": member.email,
    }


def test_a_visitor_who_allows_preference_cookies_finds_name_and_email_filled_in(client):
    client.post("/privacy/cookies/settings/", {"choice": "save", "accepted": ["preferences"]})
    resource = ResourceFactory()
    sign_up(client, resource)
    form = client.get(resource.get_absolute_url()).context["form"]
    assert form.initial == {"name": "Sam Lee", "email": "Sam@Example.net"}


def test_saying_yes_records_a_grant_naming_the_sponsor_and_gives_the_resource(client):
    resource = ResourceFactory(sponsor__name="Northwind Analytics")
    response = sign_up(client, resource, consent="on")
    assert response.status_code == 302
    row = Consent.objects.get()
    assert row.purpose == f"sponsor:{resource.sponsor.pk}"
    assert row.granted is True and row.email == "sam@example.net" and row.user is None
    assert row.source == Consent.Source.RESOURCE_FORM
    assert "Northwind Analytics" in row.text.wording
    lead = Lead.objects.get()
    assert (lead.name, lead.email, lead.consent) == ("Sam Lee", "sam@example.net", row)
    page = client.get(response.url)
    download = client.get(page.context["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 the report"
    assert "attachment" in download["Content-Disposition"]


def test_saying_no_records_a_refusal_and_still_gives_the_resource(user_client, user):
    resource = ResourceFactory()
    response = sign_up(user_client, resource)
    row = Consent.objects.get()
    assert (row.user, row.granted, row.purpose) == (user, False, f"sponsor:{resource.sponsor.pk}")
    assert user_client.get(response.url).status_code == 200
    assert not Lead.objects.consenting(resource.sponsor).exists()


def test_a_webinar_shows_its_joining_details_only_after_the_form(client):
    webinar = ResourceFactory(
        kind=Resource.Kind.WEBINAR,
        file=None,
        starts="2030-03-01T14:00:00Z",
        joining_details="https://meet.example/abc passcode 4242",
    )
    assert "4242" not in client.get(webinar.get_absolute_url()).content.decode()
    response = sign_up(client, webinar)
    html = client.get(response.url).content.decode()
    assert "passcode 4242" in html and "1 March 2030" in html


def test_sponsor_questions_are_asked_and_answers_kept_with_the_question(client):
    resource = ResourceFactory()
    SponsorQuestionFactory(
        resource=resource,
        text="Your main channel?",
        kind="choice",
        options="Voice\nChat",
        required=True,
    )
    SponsorQuestionFactory(resource=resource, text="Replacing your WFM tool?", kind="yes-no")
    SponsorQuestionFactory(resource=resource, text="Anything else?", kind="text")
    q1, q2, q3 = resource.questions.all()
    response = sign_up(
        client, resource, **{f"question_{q1.pk}": "Chat", f"question_{q2.pk}": "Yes"}
    )
    assert response.status_code == 302
    assert Lead.objects.get().answers == [
        {"question": "Your main channel?", "answer": "Chat"},
        {"question": "Replacing your WFM tool?", "answer": "Yes"},
        {"question": "Anything else?", "answer": ""},
    ]


def test_bad_input_gets_form_errors_and_stores_nothing(client):
    resource = ResourceFactory()
    required = SponsorQuestionFactory(
        resource=resource, kind="choice", options="A\nB", required=True
    )
    free = SponsorQuestionFactory(resource=resource, kind="text")
    response = sign_up(
        client,
        resource,
        name="",
        email="not-an-address",
        phone="call me",
        agents="a million",
        **{f"question_{required.pk}": "C", f"question_{free.pk}": "x" * 501},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {
        "name",
        "email",
        "phone",
        "agents",
        f"question_{required.pk}",
        f"question_{free.pk}",
    }
    assert "at most 500 characters" in errors[f"question_{free.pk}"][0]
    assert not Lead.objects.exists() and not Consent.objects.exists()


def test_a_tampered_or_expired_link_is_refused_with_a_clear_page(client, settings):
    resource, other = ResourceFactory(), ResourceFactory()
    url = sign_up(client, resource).url
    token = url.rstrip("/").rsplit("/", 1)[1]
    tampered = client.get(f"/resources/{resource.slug}/download/{token[:-2]}xx/")
    assert tampered.status_code == 404
    assert "This link is not valid" in tampered.content.decode()
    assert client.get(f"/resources/{other.slug}/download/{token}/").status_code == 404
    settings.SPONSORED_RESOURCE_LINK_HOURS = 0
    assert client.get(f"/resources/{resource.slug}/download/{token}/").status_code == 404


def test_the_file_is_not_served_as_public_media(client):
    resource = ResourceFactory()
    assert client.get(f"/media/{resource.file.name}").status_code == 404


def test_a_later_no_for_a_sponsor_stops_its_earlier_leads(client):
    sponsor = SponsorFactory()
    first, second = ResourceFactory(sponsor=sponsor), ResourceFactory(sponsor=sponsor)
    sign_up(client, first, consent="on")
    assert Lead.objects.consenting(sponsor).count() == 1
    sign_up(client, second)  # same address, now says no
    assert Lead.objects.consenting(sponsor).count() == 0
    assert [row.granted for row in Consent.objects.order_by("id")] == [True, False]


def test_consent_to_one_sponsor_is_not_consent_to_another(client):
    mine, theirs = ResourceFactory(), ResourceFactory()
    sign_up(client, mine, consent="on")
    sign_up(client, theirs)
    assert Lead.objects.consenting(mine.sponsor).count() == 1
    assert Lead.objects.consenting(theirs.sponsor).count() == 0
    assert consent.has_consent(sponsors.purpose(mine.sponsor), email="sam@example.net")
    assert not consent.has_consent(sponsors.purpose(theirs.sponsor), email="sam@example.net")


def test_renaming_a_sponsor_makes_a_new_version_of_the_wording():
    sponsor = SponsorFactory(name="Old Name")
    first = sponsors.consent_text(sponsor)
    assert sponsors.consent_text(sponsor) == first
    sponsor.name = "New Name"
    sponsor.save()
    second = sponsors.consent_text(sponsor)
    assert (second.version, first.version) == (2, 1)
    assert "New Name" in second.wording and "Old Name" in first.wording


def test_the_demo_adds_one_sponsor_with_a_report_and_a_webinar_once():
    demo.seed()
    demo.seed()
    assert Resource.objects.published().count() == 2
    report = Resource.objects.get(kind=Resource.Kind.REPORT)
    assert report.file.read().startswith(b"Contact Centre Benchmarks")
    assert report.questions.count() == 2


def test_disclosures_include_renders_for_a_member_with_none(user):
    html = Template("{% load sponsors %}{% member_disclosures user %}").render(
        Context({"user": user})
    )
    assert "not passed your details to any sponsor" in html


def test_a_flood_of_sign_ups_from_one_address_is_refused(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "resource_signup": "2/h/ip"}
    resource = ResourceFactory()
    assert [sign_up(client, resource).status_code for _ in range(3)] == [302, 302, 429]
    assert Lead.objects.count() == 2


def test_the_ledger_records_the_wording_version_the_person_saw(client):
    resource = ResourceFactory(sponsor__name="Old Name")
    shown = client.get(resource.get_absolute_url()).context["form"]["wording"].value()
    resource.sponsor.name = "New Name"
    resource.sponsor.save()
    data = {**form_data(resource), "wording": shown, "consent": "on"}
    assert client.post(resource.get_absolute_url(), data).status_code == 302
    assert "Old Name" in Consent.objects.get().text.wording


def test_a_wording_of_another_sponsor_is_refused(client):
    resource, other = ResourceFactory(), ResourceFactory()
    response = sign_up(client, resource, wording=sponsors.consent_text(other.sponsor).pk)
    assert response.status_code == 400
    assert "This form has changed" in response.content.decode()
    assert not Consent.objects.exists()

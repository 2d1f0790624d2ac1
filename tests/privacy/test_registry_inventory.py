"""The one inventory (P27, Art. 33-34): rows and people per declaration counted in one query
however much the site holds, people counted as the breach notice finds them, and the same
numbers on the desk, from `privacy inventory` and in the breach form."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from forums.models import SignIn
from privacy import consent, registry
from privacy.models import Consent
from tests.factories import TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


def given(granted=True, **who):
    text = consent.text_reading("inventory-test", "Send me the newsletter.")
    return consent.record(
        purpose=consent.NEWSLETTER,
        granted=granted,
        source=Consent.Source.PREFERENCES,
        text=text,
        **who,
    )


def some_of_everything(members: int) -> None:
    for _ in range(members):
        member = UserFactory()
        TopicFactory(author=member, title="Rotas", source="First post")
        SignIn.objects.create(user=member, ip_address="192.0.2.1", user_agent="Firefox")
        given(user=member)


def queries_of_the_inventory() -> int:
    with CaptureQueriesContext(connection) as counted:
        registry.inventory()
    return len(counted.captured_queries)


def held() -> dict[str, tuple[int, int | None]]:
    return {h.declaration.key: (h.rows, h.people) for h in registry.inventory()}


def test_the_inventory_takes_one_query_however_many_rows_the_declarations_hold():
    some_of_everything(1)
    few = queries_of_the_inventory()
    some_of_everything(6)
    assert queries_of_the_inventory() == few == 1
    assert held()["sign-ins"] == (7, 7)


def test_people_are_members_by_their_links_and_other_addresses_once_each():
    member = UserFactory()
    given(user=member)
    given(False, user=member)
    given(email="Visitor@Example.org")
    given(email="visitor@example.org")
    given(email="other@example.org")
    assert held()["consents"] == (5, 3)  # the member, and two addresses whatever their case


def test_people_in_the_inventory_are_the_members_a_breach_notice_would_reach():
    some_of_everything(3)  # every row names a member: nobody is known by address alone
    for holding in registry.inventory():
        members = registry.holders(holding.declaration)
        if members is not None:
            assert holding.people == members.count(), holding.declaration.key
    assert registry.members_holding(["sign-ins", "consents"]).count() == 3


def test_the_desk_the_command_and_the_breach_form_show_the_same_numbers(
    privacy_officer_client,
):
    some_of_everything(2)
    given(email="visitor@example.org")
    desk = privacy_officer_client.get("/admin/privacy/desk/").content.decode()
    form = privacy_officer_client.get(reverse("admin:privacy_breach_add")).content.decode()
    out = io.StringIO()
    call_command("privacy", "inventory", stdout=out)
    command = out.getvalue().splitlines()
    for holding in registry.inventory():
        name, key = holding.declaration.name, holding.declaration.key
        people = "-" if holding.people is None else str(holding.people)
        cells = [name, holding.declaration.model_label, str(holding.rows), people]
        assert "".join(f"<td>{escape(cell)}</td>" for cell in cells) in desk, key
        line = next(line for line in command if line.split()[-3:-2] == [key])
        assert line.split()[-2:] == [str(holding.rows), people], key
        people = "people unknown" if holding.people is None else f"{holding.people} people"
        assert escape(f"{name} ({holding.rows} rows, {people})") in form, key

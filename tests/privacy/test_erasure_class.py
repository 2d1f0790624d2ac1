"""The class test of erasure (P13, P18): a member, and a visitor, with data in every registered
kind and in every place another person's data can mention them, are erased through the real
path; then every text, JSON and inet column of every table is read for anything of them.

A new declaration needs data here (or a reason in NO_DATA), or the walk fails naming it.
"""

import uuid

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.utils import timezone

from forums import markup, mentions, notifications, reading
from forums.events import registration as event_registration
from forums.events import sponsor_consent, sponsor_export
from forums.events.models import Event, Question
from forums.models import ModerationAction, Post, Report, SignIn
from privacy import consent, registry
from privacy.breaches import state as breaches
from privacy.cookies import wording
from privacy.feedback.publication import receive as receive_feedback
from privacy.models import (
    Breach,
    BreachDelivery,
    Consent,
    DataRequest,
    Newsletter,
    NewsletterDelivery,
    RetentionWarning,
)
from privacy.newsletter import sending
from privacy.requests import state
from privacy.requests.erasure import erase
from privacy.requests.export import build_export
from privacy.sponsors import services as sponsors
from tests.factories import (
    EventFactory,
    PostFactory,
    ResourceFactory,
    SponsorFactory,
    StaffFactory,
    TopicFactory,
    UserFactory,
    add_second_factor,
    ticket,
)
from tests.forums.events.payment_helpers import orders_everywhere

Kind = DataRequest.Kind
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_storage", "eager_tasks")]

SIGN_IN_IP, POST_IP = "192.0.2.44", "198.51.100.77"
PHRASE = "quokka-shaped rota spreadsheet"  # in the member's posts and in a quote of them

# Declarations that cannot hold data of the person before erasure, and why.
NO_DATA = {
    "sessions": "A session cannot be found by member (it is kept, and signs nobody in).",
    "erased-usernames": "Made by the erasure itself (checked after it).",
}
# Columns that keep a person's details after erasure because the law requires the record
# (P18, GDPR Art. 17(3)(b)): an issued invoice keeps the buyer's name, company and address.
KEPT_BY_LAW = {
    "events_invoice.buyer_name",
    "events_invoice.buyer_company",
    "events_invoice.buyer_address",
}
# Declarations about members only: a visitor cannot have data there (the admin log's is what a
# staff member did; entries about a visitor's rows are checked by the scan).
MEMBERS_ONLY = {
    "admin-log",
    "account",
    "profile",
    "email-addresses",
    "two-factor",
    "sign-ins",
    "post-ip-addresses",
    "post-edits",
    "forum-posts",
    "forum-topics",
    "topic-participation",
    "topic-reads",
    "mentions",
    "reply-notifications",
    "post-reports",
    "moderation-log",
    "cookie-consent-receipts",
    "processing-restrictions",
    "inactivity-warnings",
    "sponsor-disclosure-log",
    "breach-register",
    "breach-register-trail",
    "breach-notices",
}


def log(obj, actor, flag=CHANGE):
    """What the admin writes when staff add or change a row: the row's `__str__`."""
    LogEntry.objects.create(
        user=actor,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=flag,
        change_message=f'[{{"changed": {{"name": "note", "object": "{str(obj)[:100]}"}}}}]',
    )


def grant(purpose, *, user=None, email="", source=Consent.Source.DOUBLE_OPT_IN):
    return consent.record(
        purpose=purpose,
        granted=True,
        source=source,
        text=consent.current_text("visitor-newsletter"),
        user=user,
        email=email,
    )


def sign_up_for_a_resource(resource, *, user, name, email):
    return sponsors.sign_up(
        resource,
        user=user,
        details={
            "name": name,
            "company": "Quill Contact Ltd",
            "job_title": "Planner",
            "phone": "+44 20 7946 0001",
            "email": email,
            "agents": "51-250",
        },
        answers=[{"question": "Your biggest challenge?", "answer": f"{name} says rotas"}],
        consented=True,
        text=sponsors.consent_text(resource.sponsor),
    )


def register_for_an_event(*, user, name, email, staff):
    """A registration with needs, an answer and the sponsor's box ticked; then sent to the
    sponsor (a disclosure)."""
    event = EventFactory(sponsor=SponsorFactory())
    question = Question.objects.create(event=event, text="Which talk?")
    choice = sponsor_consent.sponsor_choice(
        event,
        user=user,
        data={
            "email": email,
            "sponsor_consent": True,
            "sponsor_wording": sponsors.consent_text(event.sponsor),
        },
    )
    made = event_registration.register(
        event,
        ticket(event),
        user=user,
        details={
            "name": name,
            "email": email,
            "company": "Quill Contact Ltd",
            "job_title": "Planner",
            "needs": f"{name} needs step-free access",
            "needs_consent_at": timezone.now(),
        },
        answers=[(question, f"{name} picks the rota talk")],
        sponsor_consent=choice,
    )
    if user is None:
        event_registration.confirm(made)
    list(sponsor_export.export(Event.objects.filter(pk=event.pk), by=staff))
    return made


def mentioned_by_others(post, username, staff):
    """What other people's data says about the person: a quote, a mention, a report."""
    other = UserFactory()
    quoting = PostFactory(
        topic=post.topic, author=other, source=f"{markup.quote(post)}Thanks @{username}!"
    )
    Report.objects.create(post=quoting, reporter=other, reason=f"@{username} asked me to")
    notifications.notify_participants(quoting)  # the reply notification to the person
    mentions.notify_mentioned(quoting)  # and the mention's
    for row in (post,):
        log(row, staff)


def member_everywhere():
    """A member with data in every kind, and mentioned everywhere others' data can."""
    staff = StaffFactory()
    member = UserFactory(
        username="zelda.quill",
        email="zelda.quill@example.net",
        display_name="Zelda Quillfeather",
        job_title="Planner",
        company="Quill Contact Ltd",
        bio="Workforce planning since 2009.",
        is_staff=True,
    )
    # A newsletter grant given by address before joining, at an address now on the account.
    grant(consent.NEWSLETTER, email="z.quill@old-job.example")
    member.emailaddress_set.create(email="z.quill@old-job.example", verified=True)
    member.emailaddress_set.create(email="zelda.unproven@example.net", verified=False)
    add_second_factor(member)
    sign_in = SignIn.objects.create(user=member, ip_address=SIGN_IN_IP, user_agent="Firefox")
    topic = TopicFactory(author=member, ip_address=POST_IP, source=f"On {PHRASE}s.")
    other_topic = TopicFactory()
    post = PostFactory(topic=other_topic, author=member, ip_address=POST_IP, source=PHRASE)
    reading.mark_read(member, other_topic, 2)  # how far the member read it
    Post.objects.filter(topic=other_topic, position=1).update(edited_by=member)
    Report.objects.create(post=other_topic.posts.first(), reporter=member, reason="Spam link")
    ModerationAction.objects.create(
        moderator=member, action=ModerationAction.Action.LOCK, topic=topic, reason="Off topic"
    )
    row = grant(consent.NEWSLETTER, user=member, source=Consent.Source.SIGNUP)
    Client().force_login(member)  # a session
    issue = Newsletter.objects.create(subject="News", body="Hi")
    NewsletterDelivery.objects.create(newsletter=issue, user=member, email=member.email)
    receipt = {"consent_id": uuid.uuid4(), "banner_text": wording.banner_text()}
    member.cookie_consent_receipts.create(accepted={"analytics": "1"}, **receipt)
    resource = ResourceFactory()
    lead = sign_up_for_a_resource(
        resource, user=member, name="Zelda Quillfeather", email=member.email
    )
    # A sign-up made as a visitor with the other address (a lead and a consent by address).
    sign_up_for_a_resource(resource, user=None, name="Zelda Q.", email="Z.Quill@old-job.example")
    sponsors.export_leads(resource.sponsor, by=member)  # as staff: a disclosure they made
    SponsorFactory(contact_name="Zelda Quillfeather", contact_email=member.email)
    feedback = receive_feedback(
        kind="feedback", message="Nice site", user=member, name="Zelda Quillfeather"
    )
    receive_feedback(kind="support", message="Help", name="Zelda", email="z.quill@old-job.example")
    register_for_an_event(user=member, name="Zelda Quillfeather", email=member.email, staff=staff)
    RetentionWarning.objects.create(user=member, rule="inactive-accounts")
    # As staff, the member recorded a breach (kept); as a member, they were emailed about it.
    breach = breaches.save(
        Breach(summary="Sign-in log exposed", description="Public for a day.", kinds=["sign-ins"]),
        by=member,
    )
    breaches.decide_people(breach, must_tell=True, by=member)
    BreachDelivery.objects.create(breach=breach, user=member, email=member.email)
    # Before the restriction below, which stops the mention's email and its record.
    mentioned_by_others(post, member.username, staff)
    access = state.create(kind=Kind.ACCESS, user=member)
    build_export(access.exports.get().pk)
    restriction = state.create(
        kind=Kind.RESTRICTION, user=member, details="I am Zelda Quillfeather, zelda.quill."
    )
    state.restrict(restriction)
    # The admin log: staff changed the member's rows; the member, as staff, changed others'.
    for obj in (member, row, lead, feedback, sign_in):
        log(obj, staff)
    log(UserFactory(), member, flag=ADDITION)
    orders_everywhere(user=member, name=member.display_name)
    return member


def visitor_everywhere():
    """A visitor known by address, with data in every kind a visitor can have."""
    staff = StaffFactory()
    address = "vera.visitor@example.net"
    row = grant(consent.NEWSLETTER, email=address)
    issue = Newsletter.objects.create(subject="News", body="Hi", status=Newsletter.Status.SENDING)
    sending.send(issue.pk)  # a delivery to the address
    resource = ResourceFactory()
    lead = sign_up_for_a_resource(resource, user=None, name="Vera Visitor", email=address)
    sponsors.export_leads(resource.sponsor, by=staff)
    SponsorFactory(contact_name="Vera Visitor", contact_email=address)
    feedback = receive_feedback(kind="support", message="Hello", name="Vera Visitor", email=address)
    register_for_an_event(user=None, name="Vera Visitor", email=address, staff=staff)
    access = state.create(kind=Kind.ACCESS, email=address, details="I am Vera Visitor.")
    state.confirm(access)
    state.produce_export(access)
    build_export(access.exports.get().pk)
    for obj in (row, lead, feedback):
        log(obj, staff)
    orders_everywhere(email=address, name="Vera Visitor")
    return address


# Reading the whole database


def text_columns():
    """(table, column) for every text, varchar, JSON and inet column of every table."""
    kinds = {"CharField", "TextField", "JSONField", "GenericIPAddressField", "EmailField"}
    introspection = connection.introspection
    with connection.cursor() as cursor:
        for table in introspection.table_names(cursor):
            for column in introspection.get_table_description(cursor, table):
                try:
                    kind = introspection.get_field_type(column.type_code, column)
                except KeyError:  # a type Django does not map (tsvector): not text
                    continue
                if kind in kinds:
                    yield table, column.name


def where_found(needles):
    """`table.column: value` for every value holding a needle, case-insensitively."""
    lowered = [needle.lower() for needle in needles]
    quote = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for table, column in text_columns():
            text = f"LOWER(CAST({quote(column)} AS TEXT))"
            where = " OR ".join(f"{text} LIKE %s" for _ in lowered)
            cursor.execute(
                f"SELECT {text} FROM {quote(table)} WHERE {where}",
                [f"%{needle}%" for needle in lowered],
            )
            for (value,) in cursor.fetchall():
                hits = [needle for needle in lowered if needle in value]
                found.append(f"{table}.{column}: {hits} in {value[:100]!r}")
    return found


def tables_of_kept_declarations():
    return {
        d.model._meta.db_table
        for d in registry.declarations()
        if d.erasure.action == registry.Erasure.KEEP
    }


def check_every_declaration_holds_data(person, without):
    for declaration in registry.declarations():
        if declaration.key in NO_DATA or declaration.key in without:
            continue
        assert any(True for _ in declaration.export_records(person)), (
            f"Declaration {declaration.key!r} has no fixture: give the person data of that "
            "kind in tests/privacy/test_erasure_class.py (or say in NO_DATA why it cannot)."
        )


def assert_erased(needles):
    found = where_found(needles)
    assert any(line.split(":")[0] in KEPT_BY_LAW for line in found), "no invoice was kept"
    left = [line for line in found if line.split(":")[0] not in KEPT_BY_LAW]
    assert left == [], "Left after erasure:\n" + "\n".join(left)
    # What erasure keeps may hold a keyed hash of a value (P18), only in a "keep" declaration.
    hashes = [registry.keyed_hash(needle) for needle in needles]
    outside = {line.split(".")[0] for line in where_found(hashes)} - tables_of_kept_declarations()
    assert outside == set(), f"A keyed hash outside the kept declarations: {outside}"


@pytest.fixture(params=["as registered", "registered in reverse"])
def registration_order(request, monkeypatch):
    """Erasers run in the order their declarations ask for (erase_after, erase_before), not in
    the order the apps happen to import them: the tests below pass either way."""
    if request.param == "registered in reverse":
        reverse = dict(reversed(registry.store._registry.items()))
        monkeypatch.setattr(registry.store, "_registry", reverse)


@pytest.mark.parametrize("keep_posts", [True, False])
def test_a_members_erasure_leaves_nothing_of_them_in_any_column(keep_posts, registration_order):
    member = member_everywhere()
    person = registry.Person.of(member)
    check_every_declaration_holds_data(person, without=set())
    addresses = list(member.emailaddress_set.values_list("email", flat=True))
    needles = [member.username, member.display_name, *addresses, SIGN_IN_IP, POST_IP]
    if not keep_posts:  # kept posts keep their words, as a former member's (P13)
        needles.append(PHRASE)
    before = where_found(needles)
    tables = {line.split(".")[0] for line in before}
    assert {"forums_post", "django_admin_log", "privacy_consent", "privacy_lead"} <= tables
    assert all(any(needle.lower() in line for line in before) for needle in needles)

    erasure = state.create(kind=Kind.ERASURE, user=member, keep_posts=keep_posts)
    erase(erasure.pk)

    assert_erased(needles)
    assert registry.get("erased-usernames").model.objects.count() == 1
    assert not consent.granted(consent.NEWSLETTER).exists()


def test_a_visitors_erasure_leaves_nothing_of_them_in_any_column(registration_order):
    address = visitor_everywhere()
    check_every_declaration_holds_data(registry.Person.of(address), without=MEMBERS_ONLY)
    needles = [address, "Vera Visitor"]
    assert len(where_found(needles)) > 5

    erasure = state.create(kind=Kind.ERASURE, email=address)
    state.confirm(erasure)
    state.carry_out_erasure(erasure)
    erase(erasure.pk)

    assert_erased(needles)
    assert not consent.granted(consent.NEWSLETTER).exists()

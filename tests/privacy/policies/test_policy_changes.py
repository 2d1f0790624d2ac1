import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from privacy import consent, tasks
from privacy.models import Consent, PolicyVersion
from privacy.policies import notices, versions

from ...factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def publish(kind="terms", body="Be kind.\nNo spam.\nNew rule.", material=True, **kwargs):
    current = PolicyVersion.objects.filter(kind=kind).order_by("-version").first()
    return PolicyVersion.objects.create(
        kind=kind,
        version=current.version + 1,
        body=body,
        summary="We added a rule.",
        material=material,
        **{"effective_date": timezone.localdate(), **kwargs},
    )


def accept(member, policy):
    consent.record(
        user=member,
        purpose=consent.TERMS,
        granted=True,
        source=Consent.Source.SIGNUP,
        text=consent.current_text("signup-terms"),
        policy=policy,
    )


def test_material_change_email_goes_to_active_members_only(mailoutbox):
    active = UserFactory()
    UserFactory(is_active=False)
    UserFactory(verified=False)
    policy = publish()
    assert notices.notify(policy.pk) == 1
    assert [m.to[0] for m in mailoutbox] == [active.email]
    message = mailoutbox[0]
    assert "terms of service is changing" in message.subject
    assert f"/privacy/history/#terms-v{policy.version}" in message.body
    assert "not marketing" in message.body and message.alternatives


def test_policy_change_emails_are_resumable_and_never_sent_twice(mailoutbox):
    members = UserFactory.create_batch(5)
    policy = publish()
    # A worker killed after claiming the first two members: the claim has moved on.
    PolicyVersion.objects.filter(pk=policy.pk).update(notified_up_to=members[1].pk)
    assert notices.notify(policy.pk, batch_size=2) == 3
    assert notices.notify(policy.pk, batch_size=2) == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.email for m in members[2:])
    policy.refresh_from_db()
    assert policy.notified_at is not None


def test_a_change_that_is_not_material_emails_nobody(mailoutbox):
    UserFactory()
    assert notices.notify(publish(material=False).pk) == 0
    assert mailoutbox == []


def test_publishing_a_material_change_in_admin_queues_the_emails(
    client, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    # The task queued after commit runs here and now, in this process.
    monkeypatch.setattr(tasks.notify_policy_change, "delay", tasks.notify_policy_change)
    staff = StaffFactory(second_factor=True)
    client.force_login(staff)
    data = {
        "kind": "privacy",
        "version": "2",
        "effective_date": "2026-12-01",
        "summary": "",
        "body": "New policy text.",
        "material": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/privacy/policyversion/add/", data)
    assert response.status_code == 302
    assert [m.to[0] for m in mailoutbox] == [staff.email]


def test_history_shows_every_version_with_its_changes(client):
    old = PolicyVersion.objects.in_force("terms")
    publish(body=old.body.replace("\n", "\n\n", 1) + "\nA brand new paragraph.")
    html = client.get("/privacy/history/").content.decode()
    assert 'id="terms-v1"' in html and 'id="terms-v2"' in html and 'id="privacy-v1"' in html
    assert "<ins>+ A brand new paragraph.</ins>" in html
    assert "The first published version." in html


def test_history_query_count_does_not_grow_with_versions(client):
    client.get("/privacy/history/")  # warm the site-wide caches (cookie banner)
    with CaptureQueriesContext(connection) as few:
        client.get("/privacy/history/")
    for n in range(10):
        publish(body=f"Version text {n}.", material=False)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/privacy/history/").status_code == 200
    assert len(many) == len(few)


def test_diff_marks_added_and_removed_lines():
    assert versions.diff("a\nb\nc", "a\nB\nc") == [
        ("gap", "…"),
        ("same", "a"),
        ("removed", "b"),
        ("added", "B"),
        ("same", "c"),
    ]


def test_member_who_accepted_older_terms_is_asked_to_accept_and_it_is_recorded(client):
    member = UserFactory()
    accept(member, PolicyVersion.objects.in_force("terms"))
    new_terms = publish()
    client.force_login(member)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/privacy/terms/accept/?next=/"
    page = client.get(response["Location"])
    assert b"Our terms of service have changed" in page.content
    refused = client.post("/privacy/terms/accept/", {"next": "/"})
    assert b"Tick the box" in refused.content
    done = client.post("/privacy/terms/accept/", {"accept": "on", "next": "/"})
    assert done.status_code == 302 and done["Location"] == "/"
    row = consent.latest(consent.TERMS, user=member)
    assert (row.policy, row.source, row.text.key) == (new_terms, "policy-update", "terms-update")
    assert client.get("/").status_code == 200


def test_member_with_current_terms_is_not_interrupted(client):
    member = UserFactory()
    accept(member, PolicyVersion.objects.in_force("terms"))
    client.force_login(member)
    assert client.get("/").status_code == 200
    assert client.get("/privacy/").status_code == 200


def test_accept_page_refuses_to_redirect_to_another_site(client):
    member = UserFactory()
    accept(member, PolicyVersion.objects.in_force("terms"))
    publish()
    client.force_login(member)
    response = client.post(
        "/privacy/terms/accept/", {"accept": "on", "next": "https://evil.example"}
    )
    assert response["Location"] == "/"


def test_terms_taking_effect_later_are_not_asked_for_yet(client):
    member = UserFactory()
    accept(member, PolicyVersion.objects.in_force("terms"))
    publish(effective_date=timezone.localdate() + datetime.timedelta(days=10))
    client.force_login(member)
    assert client.get("/").status_code == 200

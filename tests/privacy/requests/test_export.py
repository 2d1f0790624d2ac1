"""The data export (P12): a ZIP with data.json and index.html, only ever served to its owner."""

import io
import json
import re
import time
import zipfile
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from privacy import registry
from privacy.models import DataExport, DataRequest
from privacy.requests import links, state
from privacy.requests.export import build_export
from privacy.retention import job
from tests.factories import PostFactory, TopicFactory, UserFactory

Kind, Status = DataRequest.Kind, DataRequest.Status
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_storage", "eager_tasks")]


def export_for(member, capture):
    """The member presses the button; the task runs (eagerly) after the commit."""
    client = Client()
    client.force_login(member)
    with capture(execute=True):
        client.post("/privacy/my-data/export/")
    return client, DataExport.objects.get(user=member)


def read_zip(content: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_a_member_downloads_a_zip_of_every_kind_of_their_data_and_nobody_elses(
    django_capture_on_commit_callbacks, mailoutbox
):
    member, other = UserFactory(display_name="Ann Example"), UserFactory()
    topic = TopicFactory(author=member, title="Queue times", source="My first post")
    PostFactory(topic=topic, author=other, source="Someone else's reply")
    client, export = export_for(member, django_capture_on_commit_callbacks)

    export.refresh_from_db()
    assert export.ready is not None
    request = export.request
    assert request.status == Status.COMPLETED
    assert [e.action for e in request.events.all()][-2:] == ["export-ready", "completed"]
    (message,) = mailoutbox  # one email, when it is ready: the member saw the rest on the page
    assert message.subject == "Your data is ready to download"
    assert message.to == [member.email]
    assert "dpo@example.org" in message.body and "signed in" in message.body
    url = re.search(r"http://\S+(/privacy/my-data/download/\S+)", message.body).group(1)

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    files = read_zip(b"".join(response.streaming_content))
    assert set(files) == {"data.json", "index.html"}

    data = json.loads(files["data.json"])
    assert data["schema_version"] == 1
    assert set(data["data"]) == {d.key for d in registry.declarations()}
    assert set(data["kinds"]) == set(data["data"])
    assert data["data"]["account"][0]["username"] == member.username
    assert data["data"]["forum-posts"][0]["source"] == "My first post"
    assert "Someone else's reply" not in files["data.json"]
    assert other.username not in files["data.json"] and other.email not in files["data.json"]

    html = files["index.html"]
    assert "<style>" in html and 'rel="stylesheet"' not in html
    assert "My first post" in html and "Ann Example" in html
    assert not re.search(r"""(href|src)=["'](https?:)?//""", html)  # nothing outside the file
    assert "<script" not in html


def test_the_html_escapes_what_members_wrote(django_capture_on_commit_callbacks):
    member = UserFactory(bio="<script>alert(1)</script>")
    client, export = export_for(member, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    html = read_zip(export.file.read())["index.html"]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_another_member_or_a_visitor_cannot_use_the_download_link(
    django_capture_on_commit_callbacks,
):
    member = UserFactory()
    _, export = export_for(member, django_capture_on_commit_callbacks)
    url = links.export_url(DataExport.objects.get(pk=export.pk))

    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    intruder = Client()
    intruder.force_login(UserFactory())
    assert intruder.get(url).status_code == 404
    assert intruder.get("/privacy/my-data/download/forged-token/").status_code == 404


def test_the_download_link_expires_after_72_hours(django_capture_on_commit_callbacks):
    member = UserFactory()
    client, export = export_for(member, django_capture_on_commit_callbacks)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 73 * 3600):
        old_url = links.export_url(DataExport.objects.get(pk=export.pk))
    response = client.get(old_url)
    assert response.status_code == 404


def test_the_retention_rule_deletes_the_file_with_the_row(
    django_capture_on_commit_callbacks, export_storage
):
    member = UserFactory()
    _, export = export_for(member, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    name = export.file.name
    assert export_storage.exists(name)
    rule = next(r for r in registry.retention_rules() if r.key == "data-exports")
    assert not rule.expired_at(timezone.now()).exists()
    later = timezone.now() + timedelta(hours=73)
    with django_capture_on_commit_callbacks(execute=True):
        assert rule.apply(rule.expired_at(later)) == 1
    assert not DataExport.objects.exists()
    assert not export_storage.exists(name)


def test_the_retention_job_runs_the_export_rule(django_capture_on_commit_callbacks, export_storage):
    member = UserFactory()
    _, export = export_for(member, django_capture_on_commit_callbacks)
    DataExport.objects.filter(pk=export.pk).update(created=timezone.now() - timedelta(hours=73))
    name = DataExport.objects.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        job.enforce()
    assert not DataExport.objects.exists() and not export_storage.exists(name)


def test_a_second_press_while_preparing_starts_nothing_new(django_capture_on_commit_callbacks):
    member = UserFactory()
    client = Client()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=False):
        client.post("/privacy/my-data/export/")
        response = client.post("/privacy/my-data/export/", follow=True)
    assert "already preparing" in response.content.decode()
    assert DataRequest.objects.count() == 1


def test_a_rerun_after_a_crash_replaces_the_half_written_file(export_storage):
    member = UserFactory()
    request = state.create(kind=Kind.ACCESS, user=member)
    export = request.exports.get()
    half = "exports/a-name-recorded-before-the-crash.zip"
    export.file.name = half
    export.save(update_fields=["file"])
    export_storage.save(half, io.BytesIO(b"half a zip"))
    build_export(export.pk)
    export.refresh_from_db()
    assert export.file.name == half
    assert "data.json" in read_zip(export.file.read())
    ready = export.ready
    build_export(export.pk)  # twice: nothing changes
    export.refresh_from_db()
    assert export.ready == ready


def test_export_files_have_names_nobody_can_guess(export_storage):
    names = set()
    for member in UserFactory.create_batch(2):
        export = state.create(kind=Kind.ACCESS, user=member).exports.get()
        build_export(export.pk)
        export.refresh_from_db()
        names.add(export.file.name)
    assert len(names) == 2
    assert all(re.fullmatch(r"exports/[\w-]{43}\.zip", name) for name in names), names


def test_staff_produce_an_export_for_a_visitor_who_downloads_it_without_an_account(
    privacy_officer_client, django_capture_on_commit_callbacks, mailoutbox
):
    request = state.create(kind=Kind.ACCESS, email="visitor@example.net")
    state.confirm(request)
    with django_capture_on_commit_callbacks(execute=True):
        privacy_officer_client.post(
            "/admin/privacy/datarequest/",
            {"action": "produce_export", "_selected_action": [request.pk]},
        )
    assert "signed in" not in mailoutbox[-1].body
    url = re.search(r"http://\S+(/privacy/my-data/download/\S+)", mailoutbox[-1].body).group(1)
    response = Client().get(url)
    assert response.status_code == 200
    data = json.loads(read_zip(b"".join(response.streaming_content))["data.json"])
    assert data["data"]["account"] == []
    assert data["data"]["data-requests"][0]["kind"] == "access"


def test_when_self_service_is_off_the_member_asks_staff(user_client, settings):
    settings.DATA_REQUESTS_SELF_SERVICE_EXPORT = False
    assert user_client.post("/privacy/my-data/export/").status_code == 404
    user_client.post("/privacy/my-data/requests/", {"kind": "access", "details": "All of it."})
    request = DataRequest.objects.get()
    assert (request.kind, request.status) == (Kind.ACCESS, Status.OPEN)
    assert not DataExport.objects.exists()


def test_an_export_of_many_posts_streams_in_one_query_per_kind(
    django_assert_max_num_queries,
):
    member = UserFactory()
    topic = TopicFactory(author=member)
    for n in range(50):
        PostFactory(topic=topic, author=member, source=f"Post {n}")
    buffer = io.BytesIO()
    from privacy.requests.export import write_zip

    with django_assert_max_num_queries(3 * len(registry.declarations()) + 5):
        write_zip(buffer, member)
    data = json.loads(read_zip(buffer.getvalue())["data.json"])
    assert len(data["data"]["forum-posts"]) == 51

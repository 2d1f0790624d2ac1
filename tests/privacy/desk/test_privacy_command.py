"""`python manage.py privacy`: the same records as the site, and exit statuses a cron job or a
monitoring check can act on (issue 15)."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from forums.models import Post, User
from privacy.models import DataRequest
from privacy.requests import export, state
from tests.factories import PASSWORD, TopicFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_storage")]
Kind, Status = DataRequest.Kind, DataRequest.Status


def run(*args) -> str:
    out = io.StringIO()
    call_command("privacy", *args, stdout=out)
    return out.getvalue()


def trail(request: DataRequest) -> list[str]:
    return [event.action for event in request.events.all()]


def test_requests_overdue_lists_a_request_once_its_month_has_passed():
    request = state.create(kind=Kind.RECTIFICATION, user=UserFactory(), details="My job title")
    assert "No overdue data requests" in run("requests", "--overdue")
    later = (timezone.localtime() + timedelta(days=40)).isoformat()
    table = run("requests", "--overdue", "--now", later)
    assert f"#{request.pk}" in table and "rectification" in table and "1 overdue" in table
    assert f"#{request.pk}" in run("requests")  # every pending one


def test_desk_exits_1_when_a_row_is_red_and_0_otherwise(all_kept):
    assert "Privacy desk as of" in run("desk")  # no SystemExit: nothing is red
    state.create(kind=Kind.RECTIFICATION, user=UserFactory(), details="x")
    later = (timezone.localtime() + timedelta(days=40)).isoformat()
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("privacy", "desk", "--now", later, stdout=out)
    assert exit_status.value.code == 1
    assert "[BROKEN] Data requests" in out.getvalue()


def test_inventory_counts_rows_and_people_per_declaration():
    member = UserFactory()
    TopicFactory(author=member, title="Rotas", source="First post")
    lines = run("inventory").splitlines()
    posts = next(line for line in lines if " forum-posts " in line).split()
    assert posts[-2:] == ["1", "1"]


def test_export_gives_the_same_request_and_trail_as_the_site(
    tmp_path, client, django_capture_on_commit_callbacks
):
    on_site, by_operator = UserFactory(), UserFactory()
    client.force_login(on_site)
    with django_capture_on_commit_callbacks(execute=False):
        client.post("/privacy/my-data/export/")
    site_request = DataRequest.objects.get(user=on_site)
    export.build_export(site_request.exports.get().pk)

    target = tmp_path / "copy.zip"
    assert "copy.zip" in run("export", by_operator.email.upper(), "--to", str(target))
    request = DataRequest.objects.get(user=by_operator)
    assert (request.kind, request.status) == (Kind.ACCESS, Status.COMPLETED)
    assert trail(request) == trail(site_request)
    with zipfile.ZipFile(target) as archive:
        assert set(archive.namelist()) == {"data.json", "index.html"}
        assert by_operator.username in archive.read("data.json").decode()
        assert on_site.username not in archive.read("data.json").decode()


def test_export_refuses_an_unknown_member_and_a_bad_target(tmp_path, user):
    with pytest.raises(CommandError, match="No member is"):
        run("export", "nobody@example.org", "--to", str(tmp_path / "x.zip"))
    with pytest.raises(CommandError, match="FILE.zip"):
        run("export", user.username, "--to", str(tmp_path / "missing" / "x.zip"))
    (tmp_path / "taken.zip").write_bytes(b"someone's file")
    with pytest.raises(CommandError, match="exists already"):
        run("export", user.username, "--to", str(tmp_path / "taken.zip"))
    assert not DataRequest.objects.exists()


def test_erase_gives_the_same_request_and_trail_as_the_site(
    client, django_capture_on_commit_callbacks, eager_tasks
):
    on_site, by_operator = UserFactory(), UserFactory()
    TopicFactory(author=by_operator, title="Shifts", source="Kept as a former member's")
    client.force_login(on_site)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/privacy/my-data/erase/", {"posts": "keep", "password": PASSWORD})
    site_request = DataRequest.objects.get(kind=Kind.ERASURE, status=Status.COMPLETED)

    out = run("erase", by_operator.username, "--keep-posts", "--reason", "By letter", "--yes")
    assert "Completed" in out
    assert not User.objects.filter(pk=by_operator.pk).exists()
    assert Post.objects.get().source == "Kept as a former member's"
    request = DataRequest.objects.exclude(pk=site_request.pk).get()
    assert (request.kind, request.status, request.keep_posts) == (
        Kind.ERASURE,
        Status.COMPLETED,
        True,
    )
    assert request.outcome == site_request.outcome
    assert trail(request) == trail(site_request)


def test_erase_asks_first_and_needs_a_reason(user, monkeypatch):
    with pytest.raises(CommandError, match="--yes"):
        run("erase", user.username, "--remove-posts", "--reason", "Asked by phone")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "not the name")
    with pytest.raises(CommandError, match="Nothing was erased"):
        run("erase", user.username, "--remove-posts", "--reason", "Asked by phone")
    with pytest.raises(CommandError, match="--reason"):
        run("erase", user.username, "--remove-posts", "--reason", "  ", "--yes")
    assert User.objects.filter(pk=user.pk).exists() and not DataRequest.objects.exists()
    monkeypatch.setattr("builtins.input", lambda prompt: user.username)
    run("erase", user.username, "--remove-posts", "--reason", "Asked by phone")
    assert not User.objects.filter(pk=user.pk).exists()

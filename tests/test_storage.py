"""Files go through Django's storage API only (community/storage.py): with both storages swapped
for in-memory ones, every feature that stores or serves a file still works and nothing is read
from or written to MEDIA_ROOT, so an S3-compatible bucket (STORAGE_URL) serves a site whose
web servers and workers are on different hosts."""

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import InMemoryStorage, default_storage, storages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from storages.backends.s3 import S3Storage

from community.storage import storages_from_url
from privacy.models import DataExport, Resource
from privacy.retention import job
from privacy.sponsors import demo

from .factories import ResourceFactory, UserFactory
from .html_forms import forms_in

ROOT = Path(__file__).resolve().parent.parent
IN_MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}


def test_no_storage_url_keeps_files_under_media_root(tmp_path):
    found = storages_from_url("", media_root=tmp_path)
    assert found["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert found["exports"]["OPTIONS"] == {"location": tmp_path / "private", "base_url": None}


def test_an_s3_url_makes_two_private_s3_storages_in_one_bucket(tmp_path):
    url = "s3://community-files?endpoint_url=https://s3.example.org&region=eu-west-1"
    found = storages_from_url(url, media_root=tmp_path)
    for alias, location in (("default", "media"), ("exports", "private")):
        assert found[alias]["BACKEND"] == "storages.backends.s3.S3Storage"
        options = found[alias]["OPTIONS"]
        assert options["bucket_name"] == "community-files"
        assert options["endpoint_url"] == "https://s3.example.org"
        assert options["region_name"] == "eu-west-1"
        assert options["location"] == location
        assert options["default_acl"] == "private" and options["querystring_auth"] is True
        assert "access_key" not in options  # then boto3 reads AWS_ACCESS_KEY_ID itself
        S3Storage(**options)  # options django-storages accepts (no connection is made)


def test_an_s3_url_may_carry_its_keys(tmp_path):
    options = storages_from_url("s3://KEY:se%2Fcret@bucket", media_root=tmp_path)["default"]
    assert (options["OPTIONS"]["access_key"], options["OPTIONS"]["secret_key"]) == (
        "KEY",
        "se/cret",
    )


@pytest.mark.parametrize(
    "url", ["ftp://bucket", "s3://", "s3://bucket?colour=blue", "s3://bucket?endpoint_url"]
)
def test_a_wrong_storage_url_stops_the_site_from_starting(url, tmp_path):
    with pytest.raises(ImproperlyConfigured):
        storages_from_url(url, media_root=tmp_path)


@pytest.fixture
def in_memory(settings, tmp_path, monkeypatch):
    """Both storages in memory; MEDIA_ROOT points at a folder that must never appear."""
    settings.MEDIA_ROOT = tmp_path / "media-root-never-used"
    settings.STORAGES = {**settings.STORAGES, "default": IN_MEMORY, "exports": IN_MEMORY}
    exports = storages["exports"]
    # The export field took its storage when the model was defined (as it does in production,
    # where settings come first): point it at this one.
    monkeypatch.setattr(DataExport._meta.get_field("file"), "storage", exports)
    assert Resource._meta.get_field("file").storage is default_storage  # follows STORAGES
    yield exports
    assert not settings.MEDIA_ROOT.exists(), "something wrote under MEDIA_ROOT"


def _streamed(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_a_resource_is_stored_given_checked_by_staff_and_deleted_in_storage(
    in_memory, client, staff_client, django_capture_on_commit_callbacks
):
    resource = ResourceFactory()
    assert isinstance(default_storage._wrapped, InMemoryStorage)
    assert default_storage.exists(resource.file.name)
    url = resource.get_absolute_url()
    form = next(f for f in forms_in(client.get(url).content.decode()) if "email" in f.names())
    response = client.post(url, {**form.defaults(), "name": "Sam Lee", "email": "sam@example.net"})
    page = client.get(response.url)
    download = client.get(page.context["download_url"])
    assert download.status_code == 200
    assert _streamed(download) == b"%PDF-1.4 the report"
    staff_copy = staff_client.get(reverse("admin:privacy_resource_file", args=[resource.pk]))
    assert _streamed(staff_copy) == b"%PDF-1.4 the report"
    unrequested = ResourceFactory()  # a resource with leads is kept for them
    name = unrequested.file.name
    with django_capture_on_commit_callbacks(execute=True):
        unrequested.delete()
    assert not default_storage.exists(name) and default_storage.exists(resource.file.name)


@pytest.mark.django_db
def test_the_demo_resources_go_to_storage(in_memory):
    demo.seed()
    report = Resource.objects.get(slug="contact-centre-benchmarks-2026")
    assert isinstance(default_storage._wrapped, InMemoryStorage)
    assert default_storage.open(report.file.name).read().startswith(b"Contact Centre")


@pytest.mark.django_db
def test_an_export_is_built_served_and_deleted_in_storage(
    in_memory, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    member = UserFactory()
    client = Client()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:request_export"))
    export = DataExport.objects.get(user=member)
    assert in_memory.exists(export.file.name) and export.size > 0
    url = re.search(r"http://\S+(/privacy/my-data/download/\S+)", mailoutbox[-1].body).group(1)
    response = client.get(url)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(_streamed(response))) as archive:
        assert set(archive.namelist()) == {"data.json", "index.html"}
        assert member.username in archive.read("data.json").decode()
    DataExport.objects.filter(pk=export.pk).update(created=timezone.now() - timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        job.enforce()
    assert not DataExport.objects.exists() and not in_memory.exists(export.file.name)


@pytest.mark.django_db
def test_the_health_check_writes_to_the_configured_storage(in_memory, client):
    assert client.get("/health/").status_code == 200


# Reaching a stored file by its path works only on one server's disk. The favicon is a static
# file found by the static finders, not a stored one.
PATH_ACCESS = re.compile(
    r"MEDIA_ROOT|\.path\(|\.file\.path|\bstorage\.path|FileResponse\(\s*open\(|open\([^)]*\.name"
)
ALLOWED = {"community/settings.py", "community/storage.py", "community/views.py"}


def test_no_code_reaches_stored_files_by_their_path():
    found = []
    for package in ("community", "forums", "privacy"):
        for path in (ROOT / package).rglob("*.py"):
            relative = str(path.relative_to(ROOT))
            if relative in ALLOWED or "/migrations/" in relative:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if PATH_ACCESS.search(line):
                    found.append(f"{relative}:{number}: {line.strip()}")
    assert found == [], "use storage.open(), FieldFile.open() or storage.save()"

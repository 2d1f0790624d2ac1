"""Staff publish sponsored resources and handle feedback in the admin (P16, P23)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from privacy.models import Resource, SponsorQuestion

from ...factories import FeedbackFactory, ResourceFactory, SponsorFactory, SponsorQuestionFactory

pytestmark = pytest.mark.django_db


def resource_form(sponsor, **overrides):
    data = {
        "sponsor": sponsor.pk,
        "kind": "report",
        "title": "Staffing survey",
        "slug": "staffing-survey",
        "summary": "What 200 planners told us.",
        "published": "on",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-0-position": "0",
        "questions-0-text": "Your region?",
        "questions-0-kind": "choice",
        "questions-0-options": "North\nSouth",
    }
    return {**data, **overrides}


def test_staff_publish_a_report_with_its_file_and_a_question(staff_client):
    sponsor = SponsorFactory()
    upload = SimpleUploadedFile("survey.pdf", b"%PDF survey", content_type="application/pdf")
    response = staff_client.post(
        "/admin/privacy/resource/add/", {**resource_form(sponsor), "file": upload}
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.file.read() == b"%PDF survey"
    assert resource.summary_html.startswith("<p>What 200 planners")
    assert SponsorQuestion.objects.get().option_list == ["North", "South"]
    html = staff_client.get(f"/admin/privacy/resource/{resource.pk}/change/").content.decode()
    assert "survey" in html and "/media/" not in html
    preview = staff_client.get(f"/admin/privacy/resource/{resource.pk}/file/")
    assert b"".join(preview.streaming_content) == b"%PDF survey"


def office_file(inner: str) -> bytes:
    """A minimal Office Open XML file: a ZIP whose first entries name its kind."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{inner}/document.xml", "<document/>")
    return buffer.getvalue()


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


@pytest.mark.parametrize(
    "name, content",
    [
        ("survey.pdf", b"%PDF-1.7 survey"),
        ("survey.docx", office_file("word")),
        ("survey.xlsx", office_file("xl")),
        ("survey.pptx", office_file("ppt")),
        ("webinar-recording.mp4", MP4),
    ],
)
def test_pdf_office_and_video_files_are_accepted(staff_client, name, content):
    upload = SimpleUploadedFile(name, content)
    response = staff_client.post(
        "/admin/privacy/resource/add/", {**resource_form(SponsorFactory()), "file": upload}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Resource.objects.get().file.read() == content


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00",  # Windows
        b"\x7fELF\x02\x01\x01" + b"\x00" * 60,  # Linux
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    ],
    ids=["exe", "elf", "html"],
)
def test_a_renamed_executable_or_web_page_is_refused_whatever_its_name(staff_client, content):
    upload = SimpleUploadedFile("report.pdf", content, content_type="application/pdf")
    response = staff_client.post(
        "/admin/privacy/resource/add/", {**resource_form(SponsorFactory()), "file": upload}
    )
    assert response.status_code == 200
    assert "This file is not a PDF, an office document" in response.content.decode()
    assert not Resource.objects.exists()


def test_a_file_over_the_size_limit_is_refused(staff_client, settings):
    settings.SPONSORED_RESOURCE_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7" + b"0" * (1024 * 1024))
    response = staff_client.post(
        "/admin/privacy/resource/add/", {**resource_form(SponsorFactory()), "file": big}
    )
    assert response.status_code == 200
    assert "a resource&#x27;s file can be at most 1 MB" in response.content.decode()
    assert not Resource.objects.exists()


def test_editing_a_resource_does_not_recheck_its_stored_file(staff_client):
    resource = ResourceFactory(file__data=b"Plain text from before the check")
    data = resource_form(resource.sponsor, slug=resource.slug, title="Renamed")
    response = staff_client.post(f"/admin/privacy/resource/{resource.pk}/change/", data)
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Renamed" and resource.file


def test_only_staff_reach_the_files_admin_address(client, user_client):
    resource = ResourceFactory()
    assert client.get(f"/admin/privacy/resource/{resource.pk}/file/").status_code == 302
    assert user_client.get(f"/admin/privacy/resource/{resource.pk}/file/").status_code == 302


def test_a_report_without_a_file_or_a_webinar_without_a_date_is_refused(staff_client):
    sponsor = SponsorFactory()
    response = staff_client.post("/admin/privacy/resource/add/", resource_form(sponsor))
    assert "A report or white paper needs its file." in response.content.decode()
    response = staff_client.post(
        "/admin/privacy/resource/add/", resource_form(sponsor, kind="webinar")
    )
    assert "A webinar needs its date and joining details." in response.content.decode()
    response = staff_client.post(
        "/admin/privacy/resource/add/",
        resource_form(sponsor, **{"questions-0-options": "Only one"}),
    )
    assert "A choice question needs at least two options." in response.content.decode()
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    "page",
    [
        "/admin/privacy/sponsor/",
        "/admin/privacy/sponsor/add/",
        "/admin/privacy/resource/",
        "/admin/privacy/lead/",
        "/admin/privacy/disclosure/",
        "/admin/privacy/feedback/",
    ],
)
def test_admin_pages_open(staff_client, page):
    SponsorQuestionFactory(resource=ResourceFactory())
    FeedbackFactory()
    assert staff_client.get(page).status_code == 200


def test_feedback_can_be_read_but_not_added_by_staff(staff_client):
    item = FeedbackFactory(message="Please add dark mode.")
    assert staff_client.get("/admin/privacy/feedback/add/").status_code == 403
    html = staff_client.get(f"/admin/privacy/feedback/{item.pk}/change/").content.decode()
    assert "Please add dark mode." in html
    assert f'href="mailto:{item.email}"' in html  # staff answer from their own mail program


def test_a_replaced_or_deleted_file_leaves_the_storage(
    staff_client, django_capture_on_commit_callbacks
):
    resource = ResourceFactory()
    old = resource.file.name
    storage = resource.file.storage
    data = {
        **resource_form(resource.sponsor, slug=resource.slug, **{"questions-TOTAL_FORMS": "0"}),
        "file": SimpleUploadedFile("new.pdf", b"%PDF new"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/admin/privacy/resource/{resource.pk}/change/", data)
    assert response.status_code == 302
    resource.refresh_from_db()
    assert not storage.exists(old) and resource.file.read() == b"%PDF new"
    with django_capture_on_commit_callbacks(execute=True):
        resource.save()  # saved again without a new upload: the file stays
    assert storage.exists(resource.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        resource.delete()
    assert not storage.exists(resource.file.name)

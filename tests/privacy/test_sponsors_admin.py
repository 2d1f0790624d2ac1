"""Staff publish sponsored resources and handle feedback in the admin (P16, P23)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from privacy.models import Resource, SponsorQuestion

from ..factories import FeedbackFactory, ResourceFactory, SponsorFactory, SponsorQuestionFactory

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

"""Every file staff can upload through the admin is checked by its content: a web page or a
program named report.pdf is refused wherever it is uploaded (the class of the sponsored-resource
upload hole). A new model with a file field fails here until its form checks what it receives."""

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from .factories import UserFactory

pytestmark = pytest.mark.django_db

RENAMED = {
    "web page": b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    "program": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00",
}


def admin_upload_fields():
    """(where, form field) for every file field of every admin form and inline."""
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    for model_admin in admin.site._registry.values():
        form_classes = [model_admin.get_form(request)] + [
            inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)
        ]
        for form_class in form_classes:
            for name, field in form_class.base_fields.items():
                if isinstance(field, forms.FileField):
                    yield f"{form_class._meta.model._meta.label}.{name}", field


def test_every_admin_upload_refuses_a_renamed_web_page_or_program():
    fields = dict(admin_upload_fields())
    assert "privacy.Resource.file" in fields
    accepted = []
    for where, field in fields.items():
        for kind, content in RENAMED.items():
            try:
                field.clean(SimpleUploadedFile("report.pdf", content, "application/pdf"))
            except ValidationError:
                continue
            accepted.append((where, kind))
    assert accepted == []

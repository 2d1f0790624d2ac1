"""The register of processing as documents an auditor can file (Art. 30, P27): a PDF and a CSV,
dated, naming the site and its data protection officer, written from the declarations."""

import dataclasses
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from privacy import register, registry
from privacy.csv_export import FORMULA_TRIGGERS

from ..factories import UserFactory
from .test_csv_exports import HOSTILE_CELLS, cells

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor_client(client):
    """Staff with the register's permission and a second factor, as staff need (P7)."""
    auditor = UserFactory(second_factor=True)
    auditor.user_permissions.add(Permission.objects.get(codename="view_register"))
    client.force_login(auditor)
    return client


def pdf_text(data: bytes) -> str:
    """The text an uncompressed ReportLab PDF draws, one shown string after another."""
    shown = re.findall(rb"\((.*?)(?<!\\)\) Tj", data)
    text = b" ".join(s.replace(b"\\(", b"(").replace(b"\\)", b")") for s in shown)
    return " ".join(text.decode("latin-1").split())


def test_the_register_page_links_to_both_documents(auditor_client):
    html = auditor_client.get(reverse("privacy:register")).content.decode()
    assert reverse("privacy:register_pdf") in html and reverse("privacy:register_csv") in html


def test_the_pdf_is_a_dated_pdf_naming_the_site_the_dpo_and_every_declaration(
    auditor_client, settings
):
    response = auditor_client.get(reverse("privacy:register_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    day = timezone.localdate()
    assert f"register-of-processing-{day:%Y-%m-%d}.pdf" in response["Content-Disposition"]
    text = pdf_text(register.pdf(day, compress=False))
    assert settings.SITE_NAME in text and settings.DPO_EMAIL in text
    assert f"{day:%d %B %Y}" in text
    words = set(text.split())
    for declaration in registry.declarations():
        assert set(declaration.name.split()) <= words, declaration.name
        assert declaration.purpose.split()[0] in words


def test_the_csv_holds_every_declaration_with_its_basis_retention_and_erasure(
    auditor_client, settings
):
    response = auditor_client.get(reverse("privacy:register_csv"))
    assert response["Content-Type"].startswith("text/csv")
    written = cells(response)
    assert settings.SITE_NAME in written and settings.DPO_EMAIL in written
    rows = {row[0]: row for row in register.csv_rows() if row}
    for declaration in registry.declarations():
        row = rows[declaration.key]
        assert row[1].startswith(declaration.name)
        assert row[3:5] == [declaration.purpose, declaration.legal_basis_display]
        assert row[7].lower().startswith(declaration.erasure.action)
    assert "RETENTION_SIGN_IN_DAYS" in rows["sign-ins"][6]


def test_csv_cells_from_a_declaration_cannot_start_a_formula(auditor_client, monkeypatch):
    """The CSV class test's hostile cells, written into a declaration's texts."""
    original = registry.get("sign-ins")
    hostile = dataclasses.replace(
        original,
        name=HOSTILE_CELLS[0],
        description=HOSTILE_CELLS[1],
        purpose=HOSTILE_CELLS[2],
        recipients=HOSTILE_CELLS[3],
    )
    monkeypatch.setitem(registry.store._registry, "sign-ins", hostile)
    written = cells(auditor_client.get(reverse("privacy:register_csv")))
    assert [cell for cell in written if cell.startswith(FORMULA_TRIGGERS)] == []
    assert "'" + HOSTILE_CELLS[2] in written


@pytest.mark.parametrize("name", ["privacy:register_pdf", "privacy:register_csv"])
def test_the_documents_need_the_register_permission_and_a_second_factor(client, name):
    assert client.get(reverse(name)).status_code == 403
    member = UserFactory()
    client.force_login(member)
    assert client.get(reverse(name)).status_code == 403
    member.user_permissions.add(Permission.objects.get(codename="view_register"))
    assert client.get(reverse(name)).status_code == 403  # no second factor yet (P7)

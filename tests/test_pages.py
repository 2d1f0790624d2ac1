import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accounts/signup/",
        "/accounts/login/",
        "/privacy/",
        "/privacy/cookies/",
        "/privacy/terms/",
    ],
)
def test_public_pages_render(client, path):
    assert client.get(path).status_code == 200


def test_every_footer_link_resolves(client):
    html = client.get("/").content.decode()
    footer = html.split("<footer", 1)[1]
    links = re.findall(r'href="([^"]+)"', footer)
    assert any(link.startswith("mailto:") for link in links)
    internal = [link for link in links if link.startswith("/")]
    expected = {"/privacy/", "/privacy/cookies/", "/privacy/terms/", "/privacy/history/"}
    assert expected <= set(internal)
    for link in internal:
        assert client.get(link).status_code == 200, link


def test_privacy_page_starts_with_a_short_summary_and_names_the_dpo(client, settings):
    html = client.get("/privacy/").content.decode()
    assert html.index("The short version") < html.index("Who we are")
    assert settings.DPO_EMAIL in html
    assert "Version 1" in html


def test_policy_pages_show_the_version_in_force_today(client):
    from privacy.models import PolicyVersion

    PolicyVersion.objects.create(
        kind="terms", version=2, body="Tomorrow's terms", effective_date="2999-01-01"
    )
    PolicyVersion.objects.create(kind="terms", version=3, body="## New terms today")
    html = client.get("/privacy/terms/").content.decode()
    assert "Version 3" in html and "<h2>New terms today</h2>" in html
    assert "Tomorrow" not in html


def test_policy_markdown_cannot_inject_script(db):
    from privacy.models import PolicyVersion

    doc = PolicyVersion.objects.create(
        kind="cookies", version=9, body="<script>alert(1)</script> [x](javascript:alert(1))"
    )
    assert "<script" not in doc.body_html and 'href="javascript:' not in doc.body_html


def test_missing_page_is_a_404_with_the_site_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404


def test_pages_send_a_content_security_policy_without_inline_script(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()

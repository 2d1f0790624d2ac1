from pathlib import Path

from django.db import migrations

POLICIES = Path(__file__).resolve().parent.parent / "policies"

WORDINGS = {
    "signup-terms": "I accept the terms of service and the privacy policy.",
    "signup-newsletter": (
        "Send me the community newsletter (about once a month). "
        "I can unsubscribe at any time with one click."
    ),
}


def load(apps, schema_editor):
    from community.markdown import render_markdown

    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    ConsentText = apps.get_model("privacy", "ConsentText")
    for kind in ("privacy", "cookies", "terms"):
        summary_file = POLICIES / f"{kind}-summary.md"
        summary = summary_file.read_text() if summary_file.exists() else ""
        body = (POLICIES / f"{kind}.md").read_text()
        PolicyVersion.objects.get_or_create(
            kind=kind,
            version=1,
            defaults={
                "effective_date": "2026-11-01",
                "summary": summary,
                "summary_html": render_markdown(summary),
                "body": body,
                "body_html": render_markdown(body),
            },
        )
    for key, wording in WORDINGS.items():
        ConsentText.objects.get_or_create(key=key, version=1, defaults={"wording": wording})


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

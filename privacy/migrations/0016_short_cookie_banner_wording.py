"""A shorter wording for the cookie bar (issue 16), which names no optional group itself: the bar
lists the groups the site actually uses beside it, and a consent receipt records which groups
were accepted and declined under this wording.

A privacy wording (privacy.ConsentText, key "cookie-banner"). New versions are added the same
way (a higher version number), never by editing one that receipts refer to.
"""

from django.db import migrations

KEY = "cookie-banner"
WORDING = (
    "We use only the cookies the site needs unless you allow more, and you can change your mind "
    "at any time under Cookie settings at the foot of every page."
)


def add_wording(apps, schema_editor):
    ConsentText = apps.get_model("privacy", "ConsentText")
    if ConsentText.objects.filter(key=KEY, wording=WORDING).exists():
        return
    newest = ConsentText.objects.filter(key=KEY).order_by("-version").first()
    ConsentText.objects.create(key=KEY, version=(newest.version if newest else 0) + 1, wording=WORDING)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0015_single_line_titles"),
    ]

    operations = [migrations.RunPython(add_wording, migrations.RunPython.noop)]

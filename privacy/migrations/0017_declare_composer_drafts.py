"""The composer keeps a draft of a post in the browser's local storage, only with consent to
preference cookies (static/js/composer.js). Storage in the browser is declared like a cookie
(P20), in the preferences group; a new entry in a group asks its earlier acceptances again."""

from django.db import migrations

NAME = "composer_draft"
DESCRIPTION = (
    "Not a cookie but your browser's local storage: the text of a post you are writing, kept "
    "there only (it reaches us when you post it), so a long reply is not lost if the page "
    "closes. Removed when you post it."
)
GROUP_DESCRIPTION = (
    "Remember your last five searches, the name and email address you typed into our forms, "
    "and a draft of the post you are writing, so they are quicker to fill in next time. Kept in "
    "your browser only."
)


def declare(apps, schema_editor):
    CookieGroup = apps.get_model("cookie_consent", "CookieGroup")
    Cookie = apps.get_model("cookie_consent", "Cookie")
    CookieLifetime = apps.get_model("privacy", "CookieLifetime")
    group = CookieGroup.objects.filter(varname="preferences").first()
    if group is None:
        return
    group.description = GROUP_DESCRIPTION
    group.save(update_fields=["description"])
    cookie, _ = Cookie.objects.get_or_create(
        cookiegroup=group, name=NAME, domain="", defaults={"description": DESCRIPTION}
    )
    CookieLifetime.objects.get_or_create(
        cookie=cookie, defaults={"lifetime": "7 days, or until you post"}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0016_short_cookie_banner_wording"),
        ("cookie_consent", "0004_cookie_natural_key"),
    ]

    operations = [migrations.RunPython(declare, migrations.RunPython.noop)]

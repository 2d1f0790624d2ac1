"""The cookie categories and every cookie the site sets (P19, P20), the banner's wording, and the
job that moves the visit counters from the cache to the database (P5)."""

from django.db import migrations

GROUPS = [
    # varname, name, description, required
    (
        "necessary",
        "Strictly necessary",
        "Needed for the site to work: signing in, protecting forms and remembering your cookie "
        "choices. They cannot be switched off.",
        True,
    ),
    (
        "preferences",
        "Preferences",
        "Remember your last five searches and the name and email address you typed into our "
        "forms, so they are quicker to fill in next time. Kept in your browser only.",
        False,
    ),
    (
        "analytics",
        "Analytics",
        "Let an external analytics service measure how the site is used. Our own visit counts "
        "need no cookie and identify nobody; this category is only for an outside service.",
        False,
    ),
    (
        "social",
        "Social media",
        "Share buttons that load the social network's own script, which can set the network's "
        "cookies and tell it which page you are reading. Without consent, share buttons are "
        "plain links.",
        False,
    ),
]

COOKIES = [
    # group, name, description, lifetime
    (
        "necessary",
        "sessionid",
        "Keeps you signed in and carries a form from one step to the next.",
        "2 weeks, or until you log out",
    ),
    (
        "necessary",
        "csrftoken",
        "Protects the site's forms against requests forged by other sites.",
        "1 year",
    ),
    (
        "necessary",
        "cookie_consent",
        "Remembers which cookie categories you accepted or rejected, and the id of your consent "
        "receipt.",
        "1 year",
    ),
    (
        "necessary",
        "messages",
        "Carries a one-off confirmation, such as “Your cookie choices are saved”, to the next "
        "page.",
        "Until the message is shown",
    ),
    (
        "preferences",
        "recent_searches",
        "Your last five searches on this site, offered again on the search page.",
        "90 days",
    ),
    (
        "preferences",
        "remembered_contact",
        "The name and email address you last typed into one of our forms, to fill them in for "
        "you next time.",
        "90 days",
    ),
]

BANNER_WORDING = (
    "We use a few cookies that the site needs to work. With your permission we would also use "
    "optional cookies: preferences (to remember your searches and the details you type into "
    "forms), analytics by an outside service, and social media share buttons. Nothing optional "
    "is set until you choose, and you can change your mind at any time under “Cookie settings” "
    "at the foot of every page."
)


def load(apps, schema_editor):
    CookieGroup = apps.get_model("cookie_consent", "CookieGroup")
    Cookie = apps.get_model("cookie_consent", "Cookie")
    CookieLifetime = apps.get_model("privacy", "CookieLifetime")
    ConsentText = apps.get_model("privacy", "ConsentText")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    groups = {}
    for ordering, (varname, name, description, required) in enumerate(GROUPS):
        groups[varname], _ = CookieGroup.objects.get_or_create(
            varname=varname,
            defaults={
                "name": name,
                "description": description,
                "is_required": required,
                "is_deletable": not required,
                "ordering": ordering,
            },
        )
    for varname, name, description, lifetime in COOKIES:
        cookie, _ = Cookie.objects.get_or_create(
            cookiegroup=groups[varname], name=name, domain="", defaults={"description": description}
        )
        CookieLifetime.objects.get_or_create(cookie=cookie, defaults={"lifetime": lifetime})

    ConsentText.objects.get_or_create(
        key="cookie-banner", version=1, defaults={"wording": BANNER_WORDING}
    )

    every_ten_minutes, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Move visit statistics from the cache to the database",
        defaults={"task": "privacy.flush_visit_counts", "interval": every_ten_minutes},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0005_cookie_receipts_and_visit_counts"),
        ("cookie_consent", "0004_cookie_natural_key"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def schedule(apps, schema_editor):
    """One daily retention job replaces the session clean-up (sessions are one of its rules).
    Its time is edited in the admin, under Periodic tasks."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task="privacy.clear_expired_sessions").delete()
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/London",
    )
    PeriodicTask.objects.get_or_create(
        name="Enforce retention periods",
        defaults={
            "task": "privacy.enforce_retention",
            "crontab": nightly,
            "description": "Deletes or clears personal data past its retention period (P17).",
        },
    )


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task="privacy.enforce_retention").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0008_data_requests"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="JobLock",
            fields=[
                ("name", models.CharField(max_length=60, primary_key=True, serialize=False)),
                ("token", models.CharField(blank=True, max_length=32)),
                ("expires", models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name="RetentionRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("rule", models.CharField(db_index=True, max_length=60)),
                ("as_of", models.DateTimeField(help_text="The moment whose expired data the run removed.")),
                ("matched", models.PositiveBigIntegerField(default=0, help_text="Rows past their retention period when the rule started.")),
                ("changed", models.PositiveBigIntegerField(default=0, help_text="Rows deleted or cleared.")),
                ("warned", models.PositiveIntegerField(default=0, help_text="Members emailed that their account is about to be erased.")),
                ("started", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("finished", models.DateTimeField(blank=True, null=True)),
                ("error", models.CharField(blank=True, max_length=300)),
            ],
            options={"ordering": ["-started", "-id"]},
        ),
        migrations.CreateModel(
            name="RetentionWarning",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("rule", models.CharField(max_length=60)),
                ("sent", models.DateTimeField(default=django.utils.timezone.now)),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="retention_warnings", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("user", "rule"), name="one_retention_warning_per_rule")],
            },
        ),
        migrations.RunPython(schedule, unschedule),
    ]

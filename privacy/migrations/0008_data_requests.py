import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import privacy.models

# Privacy officers handle data requests (P7, P15); nobody else gets these permissions.
PRIVACY_OFFICER_PERMISSIONS = [
    ("datarequest", "view"),
    ("datarequest", "change"),
    ("requestevent", "view"),
    ("dataexport", "view"),
    ("processingrestriction", "view"),
]


def create_privacy_officers(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the group needs them now.
    privacy_config = apps.get_app_config("privacy")
    privacy_config.models_module = True
    create_permissions(privacy_config, apps=apps, verbosity=0)
    privacy_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Privacy officers")
    group.permissions.add(
        *[
            Permission.objects.get(content_type__app_label="privacy", codename=f"{verb}_{model}")
            for model, verb in PRIVACY_OFFICER_PERMISSIONS
        ]
    )


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/London",
    )
    PeriodicTask.objects.get_or_create(
        name="Email privacy officers the data requests due soon",
        defaults={"task": "privacy.send_data_request_digest", "crontab": morning},
    )
    every_ten_minutes, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Re-send lost data-request work",
        defaults={"task": "privacy.sweep_data_requests", "interval": every_ten_minutes},
    )


def undo(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Privacy officers").delete()
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task__in=["privacy.send_data_request_digest", "privacy.sweep_data_requests"]
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ('privacy', '0007_newsletter_and_policy_notices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DataRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('access', 'A copy of my data (access and portability)'), ('erasure', 'Erase my data'), ('rectification', 'Correct my data'), ('restriction', 'Restrict the use of my data'), ('objection', 'Object to the use of my data'), ('withdraw-consent', 'Withdraw my consent')], max_length=20)),
                ('email', models.EmailField(blank=True, help_text='Where updates go; emptied on erasure.', max_length=254)),
                ('requester_hash', models.CharField(db_index=True, editable=False, max_length=64)),
                ('details', models.TextField(blank=True, max_length=5000, verbose_name='what they asked')),
                ('keep_posts', models.BooleanField(blank=True, help_text="Erasure: keep posts as a former member's.", null=True)),
                ('received', models.DateTimeField(default=django.utils.timezone.now)),
                ('confirmed', models.DateTimeField(blank=True, null=True, verbose_name='identity confirmed')),
                ('status', models.CharField(choices=[('awaiting-confirmation', 'Awaiting email confirmation'), ('open', 'Open'), ('in-progress', 'In progress'), ('waiting', 'Waiting on the requester'), ('completed', 'Completed'), ('refused', 'Refused'), ('withdrawn', 'Withdrawn')], db_index=True, default='awaiting-confirmation', max_length=25)),
                ('due_date', models.DateField()),
                ('extended_due_date', models.DateField(blank=True, null=True)),
                ('extension_reason', models.TextField(blank=True)),
                ('extension_notified', models.DateTimeField(blank=True, null=True, verbose_name='requester told of extension')),
                ('outcome', models.TextField(blank=True)),
                ('closed', models.DateTimeField(blank=True, db_index=True, null=True)),
                ('enqueued', models.DateTimeField(blank=True, editable=False, null=True)),
                ('handler', models.ForeignKey(blank=True, limit_choices_to={'is_staff': True}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(blank=True, help_text='The member who asked; empty for a visitor (and after erasure).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='data_requests', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'data request',
                'ordering': ['-received'],
            },
        ),
        migrations.CreateModel(
            name='DataExport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(blank=True, storage=privacy.models._export_storage, upload_to='exports/')),
                ('size', models.PositiveBigIntegerField(default=0)),
                ('created', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('ready', models.DateTimeField(blank=True, null=True)),
                ('user', models.ForeignKey(blank=True, help_text="The only member it is served to; empty for a visitor's export.", null=True, on_delete=django.db.models.deletion.CASCADE, related_name='data_exports', to=settings.AUTH_USER_MODEL)),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='exports', to='privacy.datarequest')),
            ],
            options={
                'ordering': ['-created'],
            },
        ),
        migrations.CreateModel(
            name='ProcessingRestriction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started', models.DateTimeField(default=django.utils.timezone.now)),
                ('lifted', models.DateTimeField(blank=True, null=True)),
                ('request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='restrictions', to='privacy.datarequest')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='processing_restrictions', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-started'],
            },
        ),
        migrations.CreateModel(
            name='RequestEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(default=django.utils.timezone.now)),
                ('action', models.CharField(choices=[('created', 'Request made'), ('confirmed', 'Identity confirmed'), ('started', 'Work started'), ('waiting', 'Waiting on the requester'), ('extended', 'Deadline extended'), ('export-ready', 'Export ready'), ('erased', 'Data erased'), ('restricted', 'Processing restricted'), ('unrestricted', 'Restriction lifted'), ('completed', 'Completed'), ('refused', 'Refused'), ('withdrawn', 'Withdrawn by the requester')], max_length=20)),
                ('note', models.TextField(blank=True)),
                ('actor', models.ForeignKey(blank=True, help_text='The staff member; empty for the requester or the system.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='privacy.datarequest')),
            ],
            options={
                'ordering': ['created', 'id'],
            },
        ),
        migrations.AddIndex(
            model_name='datarequest',
            index=models.Index(fields=['status', 'due_date'], name='privacy_dat_status_48bb50_idx'),
        ),
        migrations.AddIndex(
            model_name='processingrestriction',
            index=models.Index(condition=models.Q(('lifted__isnull', True)), fields=['user'], name='restriction_in_force'),
        ),
        migrations.RunPython(create_privacy_officers, undo),
        migrations.RunPython(schedule, migrations.RunPython.noop),
    ]

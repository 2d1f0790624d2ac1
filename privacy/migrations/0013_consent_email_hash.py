from django.db import migrations, models


def add_erasure_wording(apps, schema_editor):
    ConsentText = apps.get_model("privacy", "ConsentText")
    ConsentText.objects.get_or_create(
        key="erasure-withdrawal",
        version=1,
        defaults={"wording": "Erase my data: every consent I gave ends."},
    )


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0012_retention_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='consent',
            name='email_hash',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='consent',
            name='source',
            field=models.CharField(choices=[('signup', 'Sign-up form'), ('preferences', 'Preferences page'), ('unsubscribe', 'Unsubscribe link'), ('double-opt-in', 'Double opt-in confirmation'), ('policy-update', 'Acceptance of an updated policy'), ('staff', "Staff, on the member's written request"), ('resource-form', 'Sponsored resource form'), ('erasure', "Erasure of the person's data")], max_length=20),
        ),
        migrations.RunPython(add_erasure_wording, migrations.RunPython.noop),
    ]

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def date_existing_addresses(apps, schema_editor):
    """Addresses added before dates were kept: their period starts now."""
    EmailAddress = apps.get_model("account", "EmailAddress")
    EmailAddressAdded = apps.get_model("forums", "EmailAddressAdded")
    EmailAddressAdded.objects.bulk_create(
        [EmailAddressAdded(address_id=pk) for pk in EmailAddress.objects.values_list("pk", flat=True)],
        batch_size=5000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('account', '0009_emailaddress_unique_primary_email'),
        ('forums', '0005_erased_usernames'),
    ]

    operations = [
        migrations.CreateModel(
            name='EmailAddressAdded',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('address', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='added', to='account.emailaddress')),
            ],
        ),
        migrations.RunPython(date_existing_addresses, migrations.RunPython.noop),
    ]

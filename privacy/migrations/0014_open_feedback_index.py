from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0013_consent_email_hash'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='feedback',
            index=models.Index(condition=models.Q(('closed_at__isnull', True)), fields=['created'], name='feedback_open'),
        ),
    ]

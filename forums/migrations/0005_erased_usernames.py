import django.utils.timezone
import forums.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('forums', '0004_retention_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ErasedUsername',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('username_hash', models.CharField(editable=False, max_length=64, unique=True)),
                ('erased', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
            ],
        ),
        migrations.AlterField(
            model_name='user',
            name='username',
            field=models.CharField(error_messages={'unique': 'That username is already taken.'}, help_text='3 to 30 characters: letters, digits and - _ . only.', max_length=30, unique=True, validators=[forums.models.UsernameValidator(), forums.models.validate_not_erased], verbose_name='username'),
        ),
    ]

from django.db import migrations

# Moderators moderate content; they get no permission on members (no emails) and not
# forums.view_ip_address (P7).
MODERATOR_PERMISSIONS = [
    ("category", "view"),
    ("topic", "view"),
    ("topic", "change"),
    ("post", "view"),
    ("post", "change"),
    ("report", "view"),
    ("report", "change"),
    ("moderationaction", "view"),
]


def create_moderators_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the group needs them now.
    forums_config = apps.get_app_config("forums")
    forums_config.models_module = True
    create_permissions(forums_config, apps=apps, verbosity=0)
    forums_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *[
            Permission.objects.get(content_type__app_label="forums", codename=f"{verb}_{model}")
            for model, verb in MODERATOR_PERMISSIONS
        ]
    )


def remove_moderators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0002_categories_topics_posts"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators_group, remove_moderators_group)]

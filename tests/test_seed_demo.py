import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from forums.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_gives_the_admin_a_second_factor(capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == first
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.check_password("community-admin-demo")
    assert Authenticator.objects.filter(user=admin, type="totp").count() == 1
    assert "recovery codes" in capsys.readouterr().out


def test_seed_demo_refuses_to_run_in_production(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.test.utils import isolate_apps
from django.utils import timezone
from django.utils.html import escape

from forums.models import SignIn, User
from privacy import consent, registry
from privacy.models import Consent
from tests.factories import add_second_factor

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_field_that_can_hold_personal_data_is_declared():
    assert registry.undeclared_fields(apps.get_models()) == []


def test_completeness_check_reports_an_undeclared_model():
    with isolate_apps("privacy"):

        class Undeclared(models.Model):  # noqa: DJ008
            member = models.ForeignKey("forums.User", on_delete=models.CASCADE)
            contact = models.EmailField()
            seen_from = models.GenericIPAddressField()
            note = models.TextField()

            class Meta:
                app_label = "privacy"

        missing = registry.undeclared_fields([Undeclared])
    assert missing == [
        "privacy.Undeclared.member",
        "privacy.Undeclared.contact",
        "privacy.Undeclared.seen_from",
        "privacy.Undeclared.note",
    ]


def test_a_declaration_naming_a_missing_field_is_refused():
    with pytest.raises(ValueError, match="no field"):
        registry.Declaration(
            key="typo",
            name="Typo",
            model=SignIn,
            fields=["ip_adress"],
            description="",
            purpose="",
            legal_basis=registry.LegalBasis.CONSENT,
            recipients="",
            export=lambda person: [],
            erasure=registry.Erasure.delete(lambda person: SignIn.objects.none()),
        )


def test_every_retention_setting_is_a_number_of_days_and_keys_are_unique():
    rules = registry.retention_rules()
    assert len({rule.key for rule in rules}) == len(rules)
    assert all(rule.period >= timedelta(0) for rule in rules)


def test_export_covers_only_the_members_own_data_and_is_json_ready():
    member, other = UserFactory(display_name="Amina"), UserFactory()
    SignIn.objects.create(user=member, ip_address="192.0.2.1", user_agent="Firefox")
    SignIn.objects.create(user=other, ip_address="198.51.100.7", user_agent="Chrome")
    exported = {d.key: list(records) for d, records in registry.export(member)}
    text = json.dumps(exported, cls=DjangoJSONEncoder)
    assert exported["account"][0]["username"] == member.username
    assert exported["profile"][0]["display_name"] == "Amina"
    assert [r["ip_address"] for r in exported["sign-ins"]] == ["192.0.2.1"]
    assert other.username not in text and "198.51.100.7" not in text
    assert "password" not in text


def test_erase_deletes_the_account_and_keeps_consent_rows_without_the_link():
    member = UserFactory()
    SignIn.objects.create(user=member, ip_address="192.0.2.1")
    row = consent.record(
        user=member,
        purpose=consent.NEWSLETTER,
        granted=True,
        source=Consent.Source.PREFERENCES,
        text=consent.current_text("signup-newsletter"),
    )
    done = registry.erase(member, keep_posts=True)
    assert done["account"] == ("delete", 1)
    assert done["consents"][0] == "keep"
    assert not User.objects.filter(pk=member.pk).exists()
    assert not SignIn.objects.exists()
    row.refresh_from_db()
    assert row.user is None and row.purpose == consent.NEWSLETTER
    assert row.email_hash == registry.keyed_hash(member.email)


def test_sign_in_ip_addresses_are_cleared_and_records_deleted_after_their_periods(settings):
    now = timezone.now()
    member = UserFactory()
    old = SignIn.objects.create(user=member, ip_address="192.0.2.1")
    SignIn.objects.filter(pk=old.pk).update(created=now - timedelta(days=91))
    recent = SignIn.objects.create(user=member, ip_address="192.0.2.2")
    ip_rule, row_rule = registry.get("sign-ins").retention
    assert list(ip_rule.expired_at(now)) == [old]
    assert ip_rule.apply(ip_rule.expired_at(now)) == 1
    assert ip_rule.expired_at(now).count() == 0  # a second run changes nothing
    old.refresh_from_db(), recent.refresh_from_db()
    assert old.ip_address is None and recent.ip_address == "192.0.2.2"
    assert row_rule.expired_at(now).count() == 0
    settings.RETENTION_SIGN_IN_DAYS = 90
    assert row_rule.apply(row_rule.expired_at(now)) == 1
    assert list(SignIn.objects.all()) == [recent]


def test_superseded_consents_expire_but_the_current_one_stays(settings):
    member = UserFactory()
    text = consent.current_text("signup-newsletter")
    long_ago = timezone.now() - timedelta(days=settings.RETENTION_OPERATIONAL_RECORD_DAYS + 1)
    grant = consent.record(
        user=member, purpose="newsletter", granted=True, source="signup", text=text
    )
    withdrawal = consent.record(
        user=member, purpose="newsletter", granted=False, source="unsubscribe", text=text
    )
    Consent.objects.filter(pk__in=[grant.pk, withdrawal.pk]).update(created=long_ago)
    Consent.objects.filter(pk=withdrawal.pk).update(created=long_ago + timedelta(seconds=1))
    rule = next(r for r in registry.retention_rules() if r.key == "superseded-consents")
    assert list(rule.expired_at(timezone.now())) == [grant]


def test_unverified_accounts_expire_but_verified_and_staff_accounts_do_not():
    now = timezone.now()
    never = UserFactory(verified=False)
    UserFactory(verified=False, is_staff=True)
    UserFactory()
    User.objects.update(date_joined=now - timedelta(days=8))
    rule = registry.get("account").retention[0]
    assert list(rule.expired_at(now)) == [never]


def test_register_of_processing_is_for_staff_with_the_permission(client):

    member = UserFactory()
    client.force_login(member)
    assert client.get("/privacy/register/").status_code == 403
    member.user_permissions.add(Permission.objects.get(codename="view_register"))
    assert client.get("/privacy/register/").status_code == 403  # no second factor yet (P7)
    add_second_factor(member)
    response = client.get("/privacy/register/")
    assert response.status_code == 200
    html = response.content.decode()
    for declaration in registry.declarations():
        assert escape(declaration.name) in html
    assert "RETENTION_SIGN_IN_DAYS" in html
    assert "<code>forums.SignIn</code>" in html
    assert "Keep: Proof of consent is an operational record" in html


def test_privacy_page_lists_the_data_held_from_the_registry(client):
    html = client.get("/privacy/").content.decode()
    assert "The personal data we hold" in html
    assert registry.get("sign-ins").name in html
    assert "1 year, then deleted" in html
    assert "/privacy/register/" not in html  # the link is for staff with the permission

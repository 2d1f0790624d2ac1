"""The retention job (P17, P18): batches, run records, dry run, lock, failures, warnings."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from forums.models import Post, SignIn, User
from privacy import registry, tasks
from privacy.models import JobLock, RetentionRun, RetentionWarning
from privacy.registry import Retention
from privacy.retention import job

from ...factories import ModeratorFactory, PostFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


def _old_sign_ins(count, *, days=400):
    """Sign-ins past both the IP address (90 days) and the record (12 months) periods."""
    member = UserFactory()
    SignIn.objects.bulk_create(
        SignIn(user=member, ip_address=f"192.0.2.{n % 250 + 1}") for n in range(count)
    )
    SignIn.objects.update(created=timezone.now() - timedelta(days=days))
    return member


def test_a_run_records_each_rule_with_its_figures_and_never_the_data():
    _old_sign_ins(3, days=100)  # IP addresses expired, records not yet
    job.enforce()
    runs = {run.rule: run for run in RetentionRun.objects.all()}
    assert set(runs) == {rule.key for rule in registry.retention_rules()}
    ip_run = runs["sign-in-ip-addresses"]
    assert (ip_run.matched, ip_run.changed, ip_run.error) == (3, 3, "")
    assert ip_run.started <= ip_run.finished
    assert runs["sign-ins"].matched == 0
    assert not SignIn.objects.exclude(ip_address=None).exists()
    recorded = " ".join(
        str(value) for row in RetentionRun.objects.values() for value in row.values()
    )
    assert "192.0.2." not in recorded


def test_running_twice_changes_nothing_the_second_time():
    _old_sign_ins(3)
    first = job.enforce(only="sign-ins")
    second = job.enforce(only="sign-ins")
    assert first[0].changed == 3
    assert (second[0].matched, second[0].changed) == (0, 0)


def test_dry_run_changes_nothing_and_reports_the_counts_the_run_then_makes():
    _old_sign_ins(4)
    expired_member = UserFactory()
    User.objects.filter(pk=expired_member.pk).update(
        last_login=timezone.now() - timedelta(days=1200)
    )
    dry = {run.rule: (run.matched, run.warned) for run in job.enforce(dry_run=True)}
    assert SignIn.objects.count() == 4 and not RetentionRun.objects.exists()
    assert not RetentionWarning.objects.exists()
    real = {run.rule: (run.matched, run.warned) for run in job.enforce()}
    assert dry == real
    assert real["sign-ins"] == (4, 0) and real["inactive-accounts"] == (0, 1)


def test_rows_go_in_primary_key_batches_of_at_most_the_batch_size(monkeypatch):
    _old_sign_ins(5)
    monkeypatch.setattr(job, "BATCH_SIZE", 2)
    batches = []
    apply = Retention.apply

    def spy(rule, queryset):
        batches.append(sorted(queryset.values_list("pk", flat=True)))
        return apply(rule, queryset)

    monkeypatch.setattr(Retention, "apply", spy)
    (run,) = job.enforce(only="sign-ins")
    assert run.changed == 5 and not SignIn.objects.exists()
    assert [len(batch) for batch in batches] == [2, 2, 1]
    flat = [pk for batch in batches for pk in batch]
    assert flat == sorted(flat)


def test_a_run_killed_mid_way_leaves_whole_batches_and_the_next_run_finishes(monkeypatch):
    _old_sign_ins(5)
    monkeypatch.setattr(job, "BATCH_SIZE", 2)

    def killed_after_first_batch(run, rows):
        if rows:
            raise SystemExit("worker killed")

    with pytest.raises(SystemExit):
        job.enforce(only="sign-ins", progress=killed_after_first_batch)
    assert SignIn.objects.count() == 3
    interrupted = RetentionRun.objects.get()
    assert interrupted.finished is None
    JobLock.objects.update(expires=timezone.now() - SECOND)  # a killed worker's lock expires
    (run,) = job.enforce(only="sign-ins")
    assert (run.matched, run.changed) == (3, 3) and not SignIn.objects.exists()


def _broken(now):
    raise RuntimeError("row with 192.0.2.99 is odd")


BROKEN = Retention(key="broken", setting=None, action=Retention.DELETE, expired=_broken)


def test_a_failing_rule_is_recorded_the_others_still_run_and_staff_are_emailed(
    monkeypatch, mailoutbox
):
    staff = StaffFactory()
    ModeratorFactory()  # staff without access to the run records: not emailed
    _old_sign_ins(2)
    rules = [BROKEN, registry.get("sign-ins").retention[1]]
    monkeypatch.setattr(registry, "retention_rules", lambda: rules)
    broken, sign_ins = job.enforce()
    assert broken.error == "RuntimeError (details in the server log)"
    assert broken.finished is not None
    assert (sign_ins.changed, sign_ins.error) == (2, "")
    (email,) = mailoutbox
    assert email.to == [staff.email]
    assert "broken" in email.subject or "broken" in email.body
    assert "/admin/privacy/retentionrun/" in email.body
    assert "192.0.2.99" not in email.body
    assert email.alternatives[0][1] == "text/html"


def test_two_runs_never_overlap(mailoutbox):
    _old_sign_ins(2)
    token = JobLock.acquire(job.LOCK_NAME, timedelta(minutes=5))
    with pytest.raises(job.AlreadyRunning):
        job.enforce()
    assert tasks.enforce_retention() == {}  # the beat task skips quietly
    assert SignIn.objects.count() == 2 and not RetentionRun.objects.exists()
    JobLock.release(job.LOCK_NAME, token)
    assert tasks.enforce_retention()["sign-ins"] == 2


def test_a_lock_left_by_a_killed_worker_expires():
    _old_sign_ins(1)
    JobLock.objects.create(name=job.LOCK_NAME, token="dead", expires=timezone.now() - SECOND)
    assert job.enforce(only="sign-ins")[0].changed == 1
    assert JobLock.acquire(job.LOCK_NAME, timedelta(minutes=1))  # released after the run


def test_a_run_that_lost_its_lock_stops(monkeypatch):
    _old_sign_ins(3)
    monkeypatch.setattr(job, "BATCH_SIZE", 1)

    def taken_over(run, rows):
        JobLock.objects.update(token="someone-else")

    with pytest.raises(job.AlreadyRunning):
        job.enforce(only="sign-ins", progress=taken_over)
    assert SignIn.objects.count() == 2


# Inactive accounts: warned, then erased 30 days later with their posts kept anonymised.


def _inactive_member_with_a_post():
    member = UserFactory()
    post = PostFactory(author=member)
    last_login = timezone.now() - timedelta(days=1200)
    User.objects.filter(pk=member.pk).update(last_login=last_login)
    return member, post, last_login + registry.get("account").retention[1].period


def test_an_inactive_member_is_warned_by_email_once(mailoutbox, settings):
    member, post, expiry = _inactive_member_with_a_post()
    (run,) = job.enforce(expiry + SECOND, only="inactive-accounts")
    assert (run.warned, run.matched, run.changed) == (1, 0, 0)
    (email,) = mailoutbox
    assert email.to == [member.email]
    erase_on = expiry + SECOND + timedelta(days=settings.RETENTION_INACTIVE_WARNING_DAYS)
    assert f"{timezone.localtime(erase_on):%-d %B %Y}" in email.subject
    assert "/accounts/login/" in email.body and "former member" in email.body
    assert email.alternatives[0][1] == "text/html"
    (again,) = job.enforce(expiry + timedelta(days=1), only="inactive-accounts")
    assert again.warned == 0 and len(mailoutbox) == 1


def test_an_inactive_member_is_erased_30_days_after_the_warning_posts_kept_anonymised():
    member, post, expiry = _inactive_member_with_a_post()
    warned_at = expiry + SECOND
    job.enforce(warned_at, only="inactive-accounts")
    notice = timedelta(days=30)
    (early,) = job.enforce(warned_at + notice - SECOND, only="inactive-accounts")
    assert (early.matched, early.changed) == (0, 0)
    assert User.objects.filter(pk=member.pk).exists()
    (run,) = job.enforce(warned_at + notice + SECOND, only="inactive-accounts")
    assert run.matched == 1 and run.changed >= 1
    assert not User.objects.filter(pk=member.pk).exists()
    assert not RetentionWarning.objects.exists()
    post.refresh_from_db()
    assert post.author is None and post.source


def test_signing_in_after_the_warning_cancels_it_and_a_later_inactivity_warns_again(
    mailoutbox,
):
    member, post, expiry = _inactive_member_with_a_post()
    warned_at = expiry + SECOND
    job.enforce(warned_at, only="inactive-accounts")
    User.objects.filter(pk=member.pk).update(last_login=warned_at + timedelta(days=1))
    (run,) = job.enforce(warned_at + timedelta(days=31), only="inactive-accounts")
    assert (run.matched, run.warned) == (0, 0)
    assert User.objects.filter(pk=member.pk).exists()
    period = registry.get("account").retention[1].period
    later = warned_at + timedelta(days=1) + period + SECOND
    (run,) = job.enforce(later, only="inactive-accounts")
    assert (run.matched, run.warned) == (0, 1) and len(mailoutbox) == 2


# The operators' command, the task and its schedule.


def test_the_command_runs_the_job_with_a_summary_table():
    _old_sign_ins(3)
    out = StringIO()
    call_command("enforce_retention", stdout=out)
    table = out.getvalue()
    assert "rule" in table and "matched" in table and "changed" in table
    (line,) = [row for row in table.splitlines() if row.startswith("sign-ins ")]
    assert line.split()[-4:-1] == ["3", "0", "3"]  # matched, warned, changed
    assert not SignIn.objects.exists()


def test_the_command_dry_run_changes_nothing_and_reports_what_would_change():
    _old_sign_ins(3)
    out = StringIO()
    call_command("enforce_retention", "--dry-run", "--only", "sign-ins", stdout=out)
    assert "Nothing was changed" in out.getvalue() and "3 rows would change" in out.getvalue()
    assert SignIn.objects.count() == 3 and not RetentionRun.objects.exists()


def test_the_command_enforces_as_of_a_past_moment():
    _old_sign_ins(2, days=200)
    past = (timezone.now() - timedelta(days=200)).isoformat()
    call_command("enforce_retention", "--only", "sign-ins", "--now", past, stdout=StringIO())
    assert SignIn.objects.count() == 2
    (run,) = RetentionRun.objects.all()
    assert run.as_of.isoformat() == past


def test_the_command_refuses_a_future_moment_an_unknown_rule_and_a_bad_time():
    future = (timezone.now() + timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="before its time"):
        call_command("enforce_retention", "--now", future, stdout=StringIO())
    call_command("enforce_retention", "--dry-run", "--now", future, stdout=StringIO())
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("enforce_retention", "--only", "everything", stdout=StringIO())
    with pytest.raises(CommandError, match="--now"):
        call_command("enforce_retention", "--now", "yesterday", stdout=StringIO())


def test_the_command_fails_when_a_rule_fails_or_another_run_holds_the_lock(monkeypatch):
    monkeypatch.setattr(registry, "retention_rules", lambda: [BROKEN])
    with pytest.raises(CommandError, match="Failed: broken"):
        call_command("enforce_retention", stdout=StringIO())
    JobLock.acquire(job.LOCK_NAME, timedelta(minutes=5))
    with pytest.raises(CommandError, match="in progress"):
        call_command("enforce_retention", stdout=StringIO())


def test_one_daily_beat_entry_runs_the_job_and_replaces_the_session_cleanup():
    (entry,) = PeriodicTask.objects.filter(
        task__in=["privacy.enforce_retention", "privacy.clear_expired_sessions"]
    )
    assert entry.task == "privacy.enforce_retention" and entry.enabled
    assert (entry.crontab.minute, entry.crontab.hour, entry.crontab.day_of_week) == ("30", "3", "*")


def test_staff_see_the_runs_and_their_figures_in_the_admin(staff_client):
    _old_sign_ins(3)
    job.enforce()
    response = staff_client.get("/admin/privacy/retentionrun/")
    assert response.status_code == 200
    assert b"sign-in-ip-addresses" in response.content and b"Done" in response.content
    failed = staff_client.get("/admin/privacy/retentionrun/?outcome=failed")
    assert failed.context["cl"].result_count == 0
    run = RetentionRun.objects.first()
    assert staff_client.get(f"/admin/privacy/retentionrun/{run.pk}/change/").status_code == 200


def test_the_privacy_page_and_the_register_show_every_retention_period(client, staff_client):
    page = client.get("/privacy/").content.decode()
    register = staff_client.get("/privacy/register/").content.decode()
    for rule in registry.retention_rules():
        assert rule.period_display in page
        if rule.setting:
            assert rule.setting in register


def test_post_ip_addresses_are_cleared_and_the_posts_stay():
    PostFactory()  # a topic's first post and a reply, both with an IP address
    Post.objects.update(created=timezone.now() - timedelta(days=91))
    (run,) = job.enforce(only="post-ip-addresses")
    assert (run.matched, run.changed) == (2, 2)
    assert Post.objects.count() == 2 and not Post.objects.exclude(ip_address=None).exists()
    assert job.enforce(only="post-ip-addresses")[0].matched == 0

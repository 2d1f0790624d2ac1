"""Every Monday, privacy officers get the desk's amber and red rows; nothing when all is kept."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from privacy.desk import report, tasks
from privacy.models import DataRequest
from privacy.requests import state
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_nothing_is_sent_when_every_row_is_kept(all_kept, mailoutbox):
    assert tasks.send_desk_report() == 0
    assert mailoutbox == []


def test_officers_get_the_rows_that_need_attention(all_kept, mailoutbox):
    request = state.create(kind=DataRequest.Kind.OBJECTION, user=UserFactory(), details="x")
    DataRequest.objects.filter(pk=request.pk).update(
        due_date=timezone.localdate() - timedelta(days=2)
    )
    assert report.send_weekly_report() == 1
    (message,) = mailoutbox
    assert message.to == [all_kept.email]
    assert message.subject == "Privacy desk: 1 broken, 0 needing attention"
    assert "BROKEN: Data requests (P12-P15)" in message.body
    assert "1 overdue" in message.body and "/admin/privacy/desk/" in message.body
    html = message.alternatives[0][0]
    assert "<strong>Broken</strong>: Data requests" in html
    assert "Retention" not in message.body  # kept rows are left out


def test_beat_sends_it_every_monday():
    task = PeriodicTask.objects.get(task="privacy.send_desk_report")
    assert task.enabled and task.crontab.day_of_week == "1" and task.crontab.hour == "8"

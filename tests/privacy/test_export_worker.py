import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client

from community.celery import app
from privacy.models import DataExport, DataRequest

from ..factories import TopicFactory, UserFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("export_storage")
def test_an_export_is_built_by_a_real_celery_worker_after_the_request_commits(settings, mailoutbox):
    """The page commits the request, the task goes through our broker (Redis when REDIS_URL is
    set) to a worker, which builds the ZIP and emails the member."""
    broker_url = app.conf.broker_url
    if not settings.REDIS_URL:
        app.conf.broker_url = "memory://"
    member = UserFactory()
    TopicFactory(author=member)
    client = Client()
    client.force_login(member)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            assert client.post("/privacy/my-data/export/").status_code == 302
            deadline = time.monotonic() + 60
            while (
                time.monotonic() < deadline
                and not DataExport.objects.filter(ready__isnull=False).exists()
            ):
                time.sleep(0.2)
    finally:
        app.conf.broker_url = broker_url
    export = DataExport.objects.get(user=member)
    assert export.ready is not None and export.size > 0
    assert DataRequest.objects.get().status == DataRequest.Status.COMPLETED
    assert DataRequest.objects.get().enqueued is None
    assert any("ready to download" in m.subject for m in mailoutbox)

import pytest
from django.test import Client

from privacy.models import DataExport, DataRequest

from ...factories import TopicFactory, UserFactory


@pytest.mark.usefixtures("export_storage", "celery_worker")
def test_an_export_is_built_by_a_real_celery_worker_after_the_request_commits(
    mailoutbox, wait_until
):
    """The page commits the request, the task goes through our broker (Redis when REDIS_URL is
    set) to a worker, which builds the ZIP and emails the member."""
    member = UserFactory()
    TopicFactory(author=member)
    client = Client()
    client.force_login(member)
    assert client.post("/privacy/my-data/export/").status_code == 302
    wait_until(DataExport.objects.filter(ready__isnull=False).exists)
    export = DataExport.objects.get(user=member)
    assert export.ready is not None and export.size > 0
    assert DataRequest.objects.get().status == DataRequest.Status.COMPLETED
    assert DataRequest.objects.get().enqueued is None
    assert any("ready to download" in m.subject for m in mailoutbox)

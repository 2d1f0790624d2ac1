import pytest


@pytest.fixture
def emails(eager_tasks, django_capture_on_commit_callbacks, mailoutbox):
    """Run what a request queued after commit (the notice tasks, eagerly), then return the
    outbox: `with emails() as outbox:` around the request."""

    class Sent:
        def __call__(self):
            return django_capture_on_commit_callbacks(execute=True)

        @property
        def outbox(self):
            return mailoutbox

    return Sent()

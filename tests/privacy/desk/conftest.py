import pytest
from django.utils import timezone

from privacy.retention import job


@pytest.fixture
def all_kept(settings, privacy_officer):
    """A site where every live row of the desk is kept: a real DPO address, the retention job
    run, every staff member (the officer) with a second factor."""
    settings.DPO_EMAIL = "dpo@community.example"
    job.enforce(timezone.now())
    return privacy_officer

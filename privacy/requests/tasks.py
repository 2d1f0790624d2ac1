"""The tasks of data-subject requests, queued by name (`community.celery.enqueue`) and imported
by privacy/tasks.py, where Celery looks. Each takes an id and calls the domain code."""

from celery import shared_task

from . import digest, erasure, export, notices, sweep


@shared_task(name="privacy.send_request_confirmation")
def send_request_confirmation(request_id: int) -> None:
    notices.send_confirmation(request_id)


@shared_task(name="privacy.build_data_export")
def build_data_export(export_id: int) -> None:
    export.build_export(export_id)


@shared_task(name="privacy.erase_data")
def erase_data(request_id: int) -> None:
    erasure.erase(request_id)


@shared_task(name="privacy.sweep_data_requests")
def sweep_data_requests() -> int:
    """Re-send exports and erasures whose task was lost (the database row is the truth)."""
    return sweep.sweep()


@shared_task(name="privacy.send_data_request_digest")
def send_data_request_digest() -> int:
    return digest.send_digest()

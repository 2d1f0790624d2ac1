"""Health checks for a load balancer and for monitoring (django-health-check).

`/health/` checks what a page cannot be served without, the database and file storage, so a
load balancer takes a server out only when it cannot answer. A Redis or broker outage costs
speed, never a page (the cache and task sending degrade), so those are checked apart, at
`/health/services/`, for monitoring that should page someone without emptying the pool.
"""

import dataclasses

from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from kombu.exceptions import OperationalError

from .celery import app

ESSENTIAL = ["health_check.checks.Database", "health_check.checks.Storage"]


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker takes a connection (the workers need not be running for this)."""

    def run(self) -> None:
        try:
            with app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1)
        except (OperationalError, OSError) as error:
            raise ServiceUnavailable("The broker does not answer.") from error


essential = HealthCheckView.as_view(checks=ESSENTIAL)
services = HealthCheckView.as_view(checks=[*ESSENTIAL, "health_check.checks.Cache", Broker])

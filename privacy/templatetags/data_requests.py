"""The admin index's count of data requests waiting (P15), for those who may see them."""

from django import template

from privacy.models import DataRequest
from privacy.requests.digest import DIGEST_DAYS

register = template.Library()


@register.inclusion_tag("admin/privacy/datarequest/dashboard.html", takes_context=True)
def data_request_dashboard(context):
    user = context["request"].user
    if not user.has_perm("privacy.view_datarequest"):
        return {"show": False}
    return {
        "show": True,
        "pending": DataRequest.objects.pending().count(),
        "due_soon": DataRequest.objects.due_within(DIGEST_DAYS).count(),
        "overdue": DataRequest.objects.overdue().count(),
    }

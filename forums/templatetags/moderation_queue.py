"""The admin index's count of open reports in the moderation queue, for staff who may see the
queue: one count query, on every visit to the index."""

from django import template

from ..models import Report

register = template.Library()


@register.inclusion_tag("admin/forums/report/queue_notice.html", takes_context=True)
def open_reports_notice(context):
    if not context["request"].user.has_perm("forums.view_report"):
        return {"show": False}
    return {"show": True, "open": Report.objects.filter(status=Report.Status.OPEN).count()}

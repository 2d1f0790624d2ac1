"""The cookie bar asks only about the cookie groups the site actually uses (P19).

privacy's banner context (`cookie_banner`) offers every optional group while any is undecided.
Two groups exist only for a third-party script that the deploy may not configure: without
ANALYTICS_SCRIPT_URL nothing sets an analytics cookie, and without SOCIAL_SHARE_SCRIPT_URL the
share buttons are plain links. Asking about them would ask for consent to nothing, and an
"Accept all" would grant a consent nobody was shown if the script were configured later. So the
bar names, accepts and declines only the groups in use, and when every group in use is decided
(or none is in use: only strictly necessary cookies) there is no bar at all; the cookie
settings page at the foot of every page stays.

`{% load cookie_bar %}`; which groups are in use is `privacy.cookies.choices.in_use`.
"""

from django import template

from ..cookies.choices import consents, in_use

register = template.Library()


@register.simple_tag(takes_context=True)
def cookie_bar_for(context, banner):
    """`{% cookie_bar_for cookie_banner as cookie_bar %}`: None, or the bar's groups (those in
    use), their varnames and JSON for the banner script, and the wording of the banner."""
    if not banner:
        return None
    request = context["request"]
    groups = [group for group in banner["groups"] if in_use(group)]
    answers = consents(request)
    if all(answers.get(group.varname) is not None for group in groups):
        return None
    return {
        "groups": groups,
        "varnames": [group.varname for group in groups],
        "json": [group.for_json() for group in groups],
        "text": banner["text"],
    }

"""Sponsor disclosures on a member's privacy pages: ``{% load sponsors %}``.

``{% member_disclosures user %}`` lists which sponsors received the member's details, when and
which fields (P8), and those they allow now, each with a button to withdraw.
``{% sponsor_contacts user %}`` tells a member asking for erasure which sponsors hold a copy,
with each one's privacy notice.
"""

from django import template

from privacy.sponsors import services

register = template.Library()


@register.inclusion_tag("privacy/includes/disclosures.html", takes_context=True)
def member_disclosures(context, user):
    return {
        "disclosures": services.disclosures_of(user),
        "allowed": services.allowed_by(user),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("privacy/includes/sponsor_contacts.html")
def sponsor_contacts(user):
    return {"sponsors": services.sponsors_to_contact(user)}

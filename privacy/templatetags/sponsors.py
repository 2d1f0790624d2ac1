"""Sponsor disclosures on a member's privacy pages: ``{% load sponsors %}``.

``{% member_disclosures user %}`` lists which sponsors received the member's details, when and
which fields (P8); ``{% sponsor_contacts user %}`` tells a member asking for erasure which sponsors
hold a copy, with each one's privacy notice.
"""

from django import template

from privacy import sponsors

register = template.Library()


@register.inclusion_tag("privacy/includes/disclosures.html")
def member_disclosures(user):
    return {"disclosures": sponsors.disclosures_of(user)}


@register.inclusion_tag("privacy/includes/sponsor_contacts.html")
def sponsor_contacts(user):
    return {"sponsors": sponsors.sponsors_to_contact(user)}

from django.conf import settings


def site(request):
    """The site's name and the DPO's address, shown in every page's header and footer (P26)."""
    return {"SITE_NAME": settings.SITE_NAME, "DPO_EMAIL": settings.DPO_EMAIL}

from django.conf import settings
from django.utils.translation import gettext as _


def portal(request):
    return {"portal_name": settings.PORTAL_NAME or _("NGO Growth Incubator")}

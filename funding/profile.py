"""The funding section of a person's profile page (registered with the kernel's
``incubator.sections`` in apps.py): what they follow and the searches they saved."""

from django.utils import timezone

from incubator.sections import Section

from . import selectors


def context(request):
    user = request.user
    return {
        "follows": list(selectors.follows_of(user)),
        "searches": list(selectors.searches_of(user)),
        "now": timezone.now(),
    }


SECTION = Section(name="funding", template="funding/_profile_section.html", context=context)

"""The funding section of a person's profile page (registered with the kernel's
``incubator.sections`` in apps.py): what they follow and the searches they saved."""

from incubator import sections

from . import selectors


def load(user, rows, now):
    return {
        row.pk: {
            "follows": list(selectors.follows_of(row)),
            "searches": list(selectors.searches_of(row)),
            "now": now,
        }
        for row in rows
        if row.pk == user.pk
    }


SECTION = sections.Section(
    page=sections.PROFILE, name="funding", template="funding/_profile_section.html", load=load
)

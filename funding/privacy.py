"""What ``funding`` holds about a person (what they follow, the searches they
saved), for *My data* and erasure (``incubator.privacy.registry``)."""

from django.utils.translation import gettext_lazy as _

from incubator.privacy import registry
from incubator.privacy.registry import DELETED, Outcome

from .models import Follow, SavedSearch

EXPLAINS = [Outcome(_("The funding sources you follow and your saved searches"), DELETED)]


def export(user, archive):
    archive.add_json(
        "funding.json",
        {
            "follows": [
                {
                    "source": follow.source and str(follow.source),
                    "call": follow.call and str(follow.call),
                    "since": follow.created_at,
                }
                for follow in Follow.objects.filter(user=user).select_related(
                    "source", "call__source"
                )
            ],
            "saved_searches": list(
                SavedSearch.objects.filter(user=user).values("name", "query", "created_at")
            ),
        },
    )


def erase(user):
    follows = Follow.objects.filter(user=user).delete()[0]
    searches = SavedSearch.objects.filter(user=user).delete()[0]
    return [
        Outcome(_("Follows of funding sources and calls"), DELETED, "", follows),
        Outcome(_("Saved funding searches"), DELETED, "", searches),
    ]


def register():
    registry.register(
        registry.Holder(name="funding", export=export, erase=erase, explains=EXPLAINS, order=50)
    )

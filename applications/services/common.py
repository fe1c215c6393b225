"""What the evaluation's services share."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import ReviewSettings


def record_author(instance, user):
    """Records ``user`` as the author of the change in the audit history."""
    instance._history_user = user
    return instance


def require_open_ranking(cycle):
    """Refuses changes that would move the figures of a finalised ranking."""
    if ReviewSettings.objects.filter(cycle=cycle, finalised_at__isnull=False).exists():
        raise ValidationError(
            _(
                "The ranking of “%(cycle)s” has been finalised, so its reviews and figures "
                "can no longer change. Reopen the ranking first."
            )
            % {"cycle": cycle.name},
            code="finalised",
        )


def require_finalised_ranking(cycle):
    """Letters quote the ranking's figures: they are sent only from a finalised
    ranking, which reviewers can no longer change."""
    if not ReviewSettings.objects.filter(cycle=cycle, finalised_at__isnull=False).exists():
        raise ValidationError(
            _(
                "Finalise the ranking of “%(cycle)s” before sending decision letters: the "
                "letters quote its figures, which reviewers can change until then."
            )
            % {"cycle": cycle.name},
            code="not_finalised",
        )

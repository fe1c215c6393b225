import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from .models import User
from .notifications import services as notifications


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """New people get their emails in the language they signed up in."""
        user.language = (translation.get_language() or user.language)[:2]
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        """Account emails (verification, password reset) go through the outbox like
        every other email, marked sensitive: their links are never shown to staff."""
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (content for content, mimetype in message.alternatives if mimetype == "text/html"),
            "",
        )
        notifications.queue_rendered(
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4()}",
            recipient=User.objects.filter(email__iexact=email).first(),
            to=email,
            subject=message.subject,
            text=message.body,
            html=html,
            sensitive=True,
        )

from django.core.management.base import BaseCommand

from funding import services


class Command(BaseCommand):
    help = (
        "Emails each saved funding search's owner what is new or changed in it since its "
        "last email (nothing when nothing changed): the same work as the weekly Celery beat "
        "task. For sites without Celery: run it from cron once a week."
    )

    def handle(self, *args, **options):
        written = services.send_digests()
        self.stdout.write(f"{written} saved search emails written")

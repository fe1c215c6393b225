from datetime import timedelta

from django.core.management.base import BaseCommand

from incubator.notifications import services


class Command(BaseCommand):
    help = (
        "Sends every email that is due, in this process. For sites without Redis and "
        "Celery: run it from cron every minute."
    )

    def handle(self, *args, **options):
        count = services.dispatch(grace=timedelta(0), synchronous=True)
        self.stdout.write(f"{count} due")

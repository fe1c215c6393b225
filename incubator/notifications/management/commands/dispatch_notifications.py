import time
from datetime import timedelta

from django.core.management.base import BaseCommand

from incubator.notifications import services


class Command(BaseCommand):
    help = (
        "Writes the reminders that are due and sends every email that is due, in this "
        "process: the same work as the every-minute Celery beat task. For sites without "
        "Redis and Celery: run it from cron every minute (or once with --loop)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            action="store_true",
            help="Keep running, once a minute, until interrupted (instead of cron).",
        )

    def handle(self, *args, loop=False, **options):
        while True:
            written, sent = services.dispatch(grace=timedelta(0), synchronous=True)
            self.stdout.write(f"{written} reminder emails written, {sent} emails due")
            if not loop:
                return
            time.sleep(60)

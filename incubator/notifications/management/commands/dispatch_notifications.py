import logging
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from incubator.notifications import services

logger = logging.getLogger(__name__)


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
        if not loop:
            self.dispatch()
            return
        while True:
            try:
                self.dispatch()
            except Exception:
                # A busy database (SQLite next to the web process) or a passing error:
                # logged, and the next minute's run tries again, as cron would.
                logger.exception("The dispatch failed; trying again in a minute")
            finally:
                close_old_connections()
            time.sleep(60)

    def dispatch(self):
        written, sent = services.dispatch(grace=timedelta(0), synchronous=True)
        self.stdout.write(f"{written} reminder emails written, {sent} emails due")

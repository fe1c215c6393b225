from django.core.management.base import BaseCommand

from analysis import services
from incubator.models import Cycle


class Command(BaseCommand):
    help = (
        "Gives every cycle without an assessment instrument the default one (nine areas); "
        "idempotent: a cycle that has one keeps it."
    )

    def handle(self, *args, **options):
        made = 0
        for cycle in Cycle.objects.filter(instruments__isnull=True):
            services.ensure_instrument(cycle)
            made += 1
        if options["verbosity"]:
            self.stdout.write(f"{made} cycles given the default assessment instrument.")

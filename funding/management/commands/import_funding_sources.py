from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from funding import spreadsheet

SEED = Path(__file__).resolve().parents[2] / "data" / "funding_sources.csv"


class Command(BaseCommand):
    help = (
        "Seeds the funding catalogue from a CSV or XLSX file in the columns of its export "
        "(by default the 25 researched sources in funding/data/funding_sources.csv). "
        "Idempotent: adds the sources the catalogue does not have yet (by Latvian name) and "
        "leaves the others as staff left them, unless --update. A file with any error "
        "writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(SEED))
        parser.add_argument(
            "--update",
            action="store_true",
            help="Also overwrite the sources already there with the file's values.",
        )

    def handle(self, *args, path, update=False, **options):
        try:
            counts = spreadsheet.import_file(Path(path), only_new=not update)
        except spreadsheet.FileProblem as problem:
            raise CommandError(str(problem)) from problem
        except spreadsheet.RowErrors as errors:
            raise CommandError("\n".join(str(error) for error in errors.errors)) from errors
        self.stdout.write(
            "Funding sources: {new} new, {changed} changed, {unchanged} left as they were".format(
                **counts
            )
        )

"""`semaine manage locate_venues`: place the venues that have no position yet."""

from django.core.management.base import BaseCommand

from semaine.agenda.services import LOCATE_BATCH, locate_missing_venues


class Command(BaseCommand):
    help = ("Place the venues without coordinates: by their address (SEMAINE_GEOCODER_URL), "
            "else at their commune's centre. Safe beside the worker; run it again to go on.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=LOCATE_BATCH,
                            help=f"venues placed at most (default {LOCATE_BATCH})")
        parser.add_argument("--approximate", action="store_true",
                            help="also ask again for the venues placed at a commune's centre")

    def handle(self, *args, limit: int, approximate: bool, **options):
        placed = locate_missing_venues(limit=limit, approximate=approximate)
        self.stdout.write(f"Lieux placés : {placed}.")

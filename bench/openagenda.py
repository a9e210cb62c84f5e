"""OpenAgenda import and export throughput (PostgreSQL).

Usage (PostgreSQL on 127.0.0.1, role postgres; the script creates and drops its own scratch
database ``bench_openagenda``, whatever DATABASE_URL says):

    python bench/openagenda.py

Environment: BENCH_EVENTS (300 source events, two slots each, on ten places).

In one run, in this order:

1. baseline: the same events written directly through ``agenda.services.create_event`` (the path
   the event form takes), fields, venues and the same format, theme and audience already
   resolved, into a first programme;
2. the import of the OpenAgenda document (``openagenda.import_document``) into a second
   programme: reading, mapping, venues, ``create_event``, statuses, links, one transaction per
   event;
3. the same import again (every event unchanged: recognised by its source ids and fingerprint);
4. the same import with every title changed (every event updated through ``update_event``);
5. the export of the programme in OpenAgenda's shape (``openagenda.export_programme``).

The ratios compare each import with the baseline's events per second.
"""

import copy
import json
import os
import platform
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import scratch

DB = "bench_openagenda"
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src" / "semaine" / "interop" / "openagenda" / "data" / "openagenda-exemple.json"


def source_document(count: int) -> dict:
    """``count`` events modelled on the sample's first one: two timings in the edition, ten
    places of Loire-Atlantique in turn."""
    template = json.loads(SAMPLE.read_text(encoding="utf-8"))["events"][0]
    events = []
    for n in range(count):
        raw = copy.deepcopy(template)
        raw["uid"] = 90000000 + n
        raw["title"] = {"fr": f"Atelier numéro {n}"}
        day = 20 + n % 6
        raw["timings"] = [
            {"begin": f"2017-11-{day}T09:00:00+01:00", "end": f"2017-11-{day}T11:00:00+01:00"},
            {"begin": f"2017-11-{day}T14:00:00+01:00", "end": f"2017-11-{day}T16:00:00+01:00"},
        ]
        raw["location"]["name"] = f"Salle départementale {n % 10}"
        raw["location"]["uid"] = 70000000 + n % 10
        events.append(raw)
    return {"agenda": {"uid": 51824379}, "events": events}


def main() -> int:
    count = int(os.environ.get("BENCH_EVENTS", "300"))
    scratch.configure(DB, SEMAINE_TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend")
    scratch.create_database(DB)
    try:
        from django.utils import timezone

        from semaine.accounts.models import User
        from semaine.agenda import services
        from semaine.agenda.models import PARIS, Audience, Edition, Format, Programme, Theme
        from semaine.interop import openagenda
        from semaine.organisers.models import (
            Membership,
            Organisation,
            OrganisationKind,
            OrganisationStatus,
            Role,
        )
        from semaine.territory.models import Departement

        loire = Departement.objects.get(code="44")
        edition = Edition.objects.create(
            name="Banc d'essai OpenAgenda", slug="bench-openagenda", starts_on=date(2017, 11, 20),
            ends_on=date(2017, 11, 26), submission_deadline=timezone.now() + timedelta(days=20))
        organisation = Organisation.objects.create(
            name="Département de la Loire-Atlantique", slug="loire-atlantique",
            kind=OrganisationKind.DEPARTEMENT, status=OrganisationStatus.APPROVED,
            departement=loire, region=loire.region)
        user = User.objects.create_user(email="banc@example.fr", password="banc-essai-openagenda")
        Membership.objects.create(user=user, organisation=organisation, role=Role.ADMIN)
        first = Programme.objects.create(edition=edition, organisation=organisation,
                                         title="Saisie directe", slug="saisie")
        second = Programme.objects.create(edition=edition, organisation=organisation,
                                          title="Import OpenAgenda", slug="import")
        document = source_document(count)

        # 1. baseline
        venues = [services.save_venue(user, organisation, {
            "name": f"Salle directe {n}", "address": "26 rue de la Haute-Forêt", "postcode": "44300",
            "commune": "Nantes", "departement": loire, "latitude": 47.2482, "longitude": -1.5197,
        }) for n in range(10)]
        start = time.perf_counter()
        for n in range(count):
            day = datetime(2017, 11, 20 + n % 6, tzinfo=PARIS)
            services.create_event(user, organisation=organisation, edition=edition, fields={
                "title": f"Atelier numéro {n}", "summary": "Visite du laboratoire.",
                "programme": first, "venue": venues[n % 10], "access_motor": True,
                "registration_mode": "external", "registration_url": "https://example.fr/",
                "access_hearing": True, "age_min": 8, "languages": ["fr", "en"],
                "description": "Radiographie, microscopie.",
                "formats": [Format.objects.get(slug="demonstration")],
                "themes": [Theme.objects.get(slug="patrimoine")],
                "audiences": [Audience.objects.get(slug="grand-public")],
            }, slots=[services.SlotData(day.replace(hour=9), day.replace(hour=11)),
                      services.SlotData(day.replace(hour=14), day.replace(hour=16))])
        baseline = count / (time.perf_counter() - start)

        def timed(doc) -> tuple[float, dict]:
            start = time.perf_counter()
            lines = openagenda.import_document(user, second, openagenda.check_document(doc))
            rate = count / (time.perf_counter() - start)
            outcomes = {}
            for line in lines:
                outcomes[line.outcome] = outcomes.get(line.outcome, 0) + 1
            return rate, outcomes

        created, outcomes_created = timed(document)
        unchanged, outcomes_unchanged = timed(document)
        changed = copy.deepcopy(document)
        for raw in changed["events"]:
            raw["title"]["fr"] += " (modifié)"
        updated, outcomes_updated = timed(changed)
        start = time.perf_counter()
        exported = openagenda.export_programme(second, published_only=False)
        export_rate = len(exported["events"]) / (time.perf_counter() - start)
    finally:
        scratch.drop_database(DB)

    print(f"{platform.node()} · {os.cpu_count()} cores · Python {sys.version.split()[0]} · "
          f"{count} source events, two slots each")
    print(f"baseline create_event:        {baseline:8.1f} events/s")
    print(f"import (created):             {created:8.1f} events/s  ratio {created / baseline:.2f}  "
          f"{outcomes_created}")
    print(f"import again (unchanged):     {unchanged:8.1f} events/s  ratio {unchanged / baseline:.2f}  "
          f"{outcomes_unchanged}")
    print(f"import modified (updated):    {updated:8.1f} events/s  ratio {updated / baseline:.2f}  "
          f"{outcomes_updated}")
    print(f"export:                       {export_rate:8.1f} events/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

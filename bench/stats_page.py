"""Statistics page benchmark: the programme in figures of a large edition.

Usage (PostgreSQL with a generated edition; see bench/RESULTS.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench semaine generate --events 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/stats_page.py \
        --registrations 200000 --runs 15

`semaine generate` makes no registration: with ``--registrations N`` the script first adds N
of them (bench data, inserted in bulk, statuses drawn 80 % confirmed, 10 % waiting, 5 % offered,
5 % cancelled) to random slots of published events that take registrations, unless the edition
already has some. Then, in the same run, each request handled in-process by Django (test client:
below the page cache, so every request runs its queries and renders), cache emptied before each:

- baseline: the edition's home (its key figures are one aggregate over the same events);
- the statistics page (12 grouped queries, the map and eleven charts rendered);
- ``edition_statistics()`` alone (the queries, no rendering).

Figures: median and p95 in milliseconds, and the page's median as a ratio of the baseline's.
"""

import argparse
import os
import random
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semaine.settings")


def add_registrations(edition, count: int, seed: int = 7) -> int:
    from django.db import connection

    from semaine.agenda.models import EventState, RegistrationMode, Slot
    from semaine.registrations.models import Registration, RegistrationStatus

    if Registration.objects.filter(event__edition=edition).exists() or not count:
        return 0
    slots = list(Slot.objects.filter(
        event__edition=edition, event__state=EventState.PUBLISHED,
        event__registration_mode=RegistrationMode.PLATFORM,
    ).values_list("pk", "event_id"))
    rng = random.Random(seed)
    statuses = ([RegistrationStatus.CONFIRMED] * 16 + [RegistrationStatus.WAITLISTED] * 2
                + [RegistrationStatus.OFFERED, RegistrationStatus.CANCELLED])
    batch = []
    for i in range(count):
        slot, event = rng.choice(slots)
        batch.append(Registration(slot_id=slot, event_id=event, email=f"bench{i}@example.fr",
                                  first_name="Bench", last_name=str(i), status=rng.choice(statuses)))
        if len(batch) == 5000:
            Registration.objects.bulk_create(batch)
            batch = []
    Registration.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registrations_registration")
    return count


def timed(function, runs: int) -> list[float]:
    from django.core.cache import cache

    times = []
    for _ in range(runs):
        cache.clear()
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--registrations", type=int, default=0)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from semaine.agenda.models import Edition, Event, EventState, Slot
    from semaine.opendata.stats import edition_statistics
    from semaine.registrations.models import Registration

    edition = Edition.objects.order_by("-pk").first()
    added = add_registrations(edition, args.registrations)
    events = Event.objects.filter(edition=edition, state=EventState.PUBLISHED).count()
    slots = Slot.objects.filter(event__edition=edition).count()
    registrations = Registration.objects.filter(event__edition=edition).count()
    print(f"edition {edition.slug}: {events} published events, {slots} slots, "
          f"{registrations} registrations ({added} added now)", file=sys.stderr)

    client = Client()
    home = f"/editions/{edition.slug}/"
    page = f"/editions/{edition.slug}/statistiques/"
    assert client.get(page).status_code == 200  # warm the templates and the map's file
    connection.force_debug_cursor = True
    connection.queries_log.clear()
    edition_statistics(edition)
    queries = list(connection.queries)
    connection.force_debug_cursor = False
    results = {
        "baseline: edition home": timed(lambda: client.get(home), args.runs),
        "statistics page": timed(lambda: client.get(page), args.runs),
        "edition_statistics() alone": timed(lambda: edition_statistics(edition), args.runs),
    }
    base = summary(results["baseline: edition home"])[0]
    print(f"| {args.runs} runs, cache emptied before each | p50 (ms) | p95 (ms) | p50 / baseline |")
    print("|---|---|---|---|")
    for name, times in results.items():
        p50, p95 = summary(times)
        print(f"| {name} | {p50:.0f} | {p95:.0f} | {p50 / base:.2f} |")
    print(f"\nqueries of edition_statistics(): {len(queries)} (the cache included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

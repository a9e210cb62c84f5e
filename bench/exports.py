"""Open data exports at scale: full CSV and JSON-LD of a generated edition, on PostgreSQL.

Usage (PostgreSQL on 127.0.0.1, user postgres; scratch databases bench_exports_<N>):

    python bench/exports.py                      # 10,000 and 100,000 events
    python bench/exports.py --sizes 10000,100000 --reuse   # keep databases already generated

For each size, a scratch database is created, migrated and filled by ``semaine generate``'s
``generate_edition``; then, in a fresh process per measurement (so that its peak RSS is its own):

- throughput: the whole edition's file as the worker builds it (``publication.makers``, the
  generator written to disk), read to the end, in slots (rows) per second; against
  a baseline measured in the same process: the same slots read by a bare
  ``values_list(...).iterator()`` of ten columns written with ``csv.writer`` (what any export
  must at least do);
- memory: the peak of Python allocations during the export (tracemalloc, a second pass) and the
  process's peak RSS after it, to compare between the two sizes: a streamed export keeps both
  flat; for contrast, the peak of the same baseline rows gathered in a list;
- a conditional request of the built file, through the view, answered 304 (no row read).
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

EDITION = "bench-exports"


class _Sink:
    def __init__(self):
        self.size = 0

    def write(self, text):
        self.size += len(text)


def _baseline_rows(edition):
    from semaine.agenda.models import EventState, Slot

    return Slot.objects.filter(event__edition=edition, event__state=EventState.PUBLISHED).values_list(
        "pk", "event__public_id", "event__title", "starts_at", "ends_at", "event__status",
        "event__venue__commune", "event__venue__latitude", "event__venue__longitude",
        "event__organisation__name",
    ).order_by("event__first_starts_at", "event_id", "starts_at")


def _baseline(edition) -> tuple[int, float]:
    writer = csv.writer(_Sink())
    start = time.perf_counter()
    rows = 0
    for row in _baseline_rows(edition).iterator(chunk_size=2000):
        writer.writerow(row)
        rows += 1
    return rows, time.perf_counter() - start


def _export(make) -> tuple[int, float]:
    start = time.perf_counter()
    size = 0
    for piece in make():
        size += len(piece)
    return size, time.perf_counter() - start


def measure(db: str, kind: str) -> dict:
    """One measurement in this process (called by ``main`` in a subprocess)."""
    import scratch

    scratch.configure(db)
    from django.test import Client

    from semaine.agenda.models import Edition
    from semaine.opendata import exports, publication

    edition = Edition.objects.get(slug=EDITION)
    summary = exports.summarise(exports.events(edition, exports.search.EventFilters()))
    client = Client()
    url = f"/editions/{edition.slug}/donnees-ouvertes/evenements.{kind}"
    client.get(url + "?from=1990-01-01&to=1990-01-02")  # imports and caches; no event
    make = publication.makers(edition, summary)[exports.FILES[kind]]
    rows, baseline_seconds = _baseline(edition)
    size, seconds = _export(make)
    publication.build_edition_files(edition)  # the files the view serves
    etag = client.get(url)["ETag"]
    start = time.perf_counter()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    not_modified_ms = (time.perf_counter() - start) * 1000
    tracemalloc.start()
    tracemalloc.reset_peak()
    _export(make)
    _, export_peak = tracemalloc.get_traced_memory()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.reset_peak()
    materialised = list(_baseline_rows(edition))
    _, list_peak = tracemalloc.get_traced_memory()
    del materialised
    tracemalloc.stop()
    return {
        "events": summary.events, "slots": summary.slots, "baseline_rows": rows, "bytes": size,
        "seconds": seconds, "rows_per_s": summary.slots / seconds,
        "baseline_seconds": baseline_seconds, "baseline_rows_per_s": rows / baseline_seconds,
        "tracemalloc_peak_mb": export_peak / 2**20, "list_peak_mb": list_peak / 2**20,
        "max_rss_mb": max_rss, "not_modified_ms": not_modified_ms,
    }


def conditional(db: str) -> dict:
    """Milliseconds of a conditional GET of the full CSV answered 304: the first one after a
    change (the summary counted), then the next ones (the summary read from the cache)."""
    import scratch

    scratch.configure(db)
    from django.test import Client

    from semaine.agenda.models import Edition
    from semaine.core.cache import content_changed
    from semaine.opendata import publication

    publication.build_edition_files(Edition.objects.get(slug=EDITION))
    client = Client()
    url = f"/editions/{EDITION}/donnees-ouvertes/evenements.csv"
    timings = {}
    for label in ("counted", "cached"):
        if label == "counted":
            content_changed()  # outside a transaction: the generation moves at once
        start = time.perf_counter()
        response = client.head(url)
        etag = response["ETag"]
        timings[f"head_{label}_ms"] = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        timings[f"not_modified_{label}_ms"] = (time.perf_counter() - start) * 1000
    return timings


def prepare(db: str, events: int, reuse: bool) -> float:
    """Create and fill the scratch database; the seconds the generation took (0 if reused)."""
    import scratch

    scratch.configure(db)
    if reuse:
        from django.db import OperationalError

        try:
            from semaine.agenda.models import Edition

            edition = Edition.objects.filter(slug=EDITION).first()
            if edition and edition.events.count() == events:
                return 0.0
        except OperationalError:
            pass
    scratch.create_database(db)
    from semaine.seed.generate import generate_edition

    start = time.perf_counter()
    generate_edition(events, EDITION)
    return time.perf_counter() - start


def _run(*args) -> dict:
    output = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                            text=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "semaine.settings"})
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--reuse", action="store_true", help="keep a database already generated")
    parser.add_argument("--prepare", nargs=2, metavar=("DB", "EVENTS"), help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, metavar=("DB", "KIND"), help=argparse.SUPPRESS)
    parser.add_argument("--conditional", metavar="DB",
                        help="only time conditional requests against a generated database")
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps({"seconds": prepare(args.prepare[0], int(args.prepare[1]), args.reuse)}))
        return
    if args.conditional:
        print(json.dumps(conditional(args.conditional)))
        return
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for events in (int(size) for size in args.sizes.split(",")):
        db = f"bench_exports_{events}"
        generated = _run("--prepare", db, str(events), *(["--reuse"] if args.reuse else []))
        print(f"\n{events:,} events generated in {generated['seconds']:.0f} s ({db})")
        print("| export | events | slots (rows) | MB | seconds | rows/s | baseline rows/s | ratio "
              "| tracemalloc peak MB | peak RSS MB | baseline rows in a list, peak MB | 304 ms |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for kind in ("csv", "jsonld"):
            m = _run("--measure", db, kind)
            print(f"| {kind} | {m['events']:,} | {m['slots']:,} | {m['bytes'] / 2**20:.1f} "
                  f"| {m['seconds']:.1f} | {m['rows_per_s']:,.0f} | {m['baseline_rows_per_s']:,.0f} "
                  f"| {m['rows_per_s'] / m['baseline_rows_per_s']:.0%} | {m['tracemalloc_peak_mb']:.1f} "
                  f"| {m['max_rss_mb']:.0f} | {m['list_peak_mb']:.1f} | {m['not_modified_ms']:.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()

"""Registration throughput: registrations per second with 50 concurrent clients (PostgreSQL).

Usage (PostgreSQL on 127.0.0.1, role postgres; the script creates and drops its own scratch
database ``bench_registrations``, whatever DATABASE_URL says):

    python bench/registrations.py

Environment: BENCH_CLIENTS (50), BENCH_ROWS (6000 per run), BENCH_SLOTS (50), BENCH_SEATS (100).

Each client is a thread with its own database connection, all in this one Python process.
Three runs of the same amount of work, in this order:

1. baseline: plain ``Registration.objects.create(...)`` (status confirmed, distinct e-mails, one
   autocommitted INSERT each) into the same table, on slots without a capacity;
2. ``semaine.registrations.services.register(..., email_verified=True)`` on a random slot per
   attempt among the capacity-limited slots (``SELECT … FOR UPDATE`` on the slot joined to its
   event and edition, which locks all three rows; counts the seats, inserts, renders the e-mail
   and its calendar file, commits);
3. baseline again. The ratio compares the service to the mean of the two baselines.

E-mails are queued on commit through django-tasks; the tasks backend is set to
``django_tasks.backends.dummy.DummyBackend`` (kept in memory, never written nor sent), so the
figures are the database work and the rendering, not the e-mail queue's INSERTs.
After the service run, every slot is checked: confirmed + offered never above its capacity, and no
one waitlisted while the slot still had a free seat.
"""

import os
import platform
import random
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import date, timedelta

import scratch

DB = "bench_registrations"
TASKS_BACKEND = "django_tasks.backends.dummy.DummyBackend"


def configure() -> None:
    scratch.configure(DB, SEMAINE_TASKS_BACKEND=TASKS_BACKEND)


def build(slots: int, seats: int, slots_per_event: int = 5) -> tuple[list, list]:
    """An edition, an organisation, published events taking registrations on the platform:
    ``slots`` slots of ``seats`` seats for the service, as many without a limit for the
    baseline's plain inserts (so they never take the service's seats)."""
    from django.utils import timezone

    from semaine.agenda.models import Edition, Event, EventState, RegistrationMode, Slot
    from semaine.organisers.models import Organisation, OrganisationKind, OrganisationStatus

    starts_on = date.today() + timedelta(days=30)
    edition = Edition.objects.create(
        name="Banc d'essai des inscriptions", slug="bench-registrations", starts_on=starts_on,
        ends_on=starts_on + timedelta(days=6), submission_deadline=timezone.now() + timedelta(days=20),
    )
    organisation = Organisation.objects.create(
        name="Banc d'essai", slug="banc-d-essai", kind=OrganisationKind.DEPARTEMENT,
        status=OrganisationStatus.APPROVED,
    )
    first = timezone.now().replace(microsecond=0) + timedelta(days=30)

    def slots_of(kind: str, count: int, capacity: int | None) -> list:
        made = []
        for e in range(-(-count // slots_per_event)):
            event = Event.objects.create(
                edition=edition, organisation=organisation, title=f"Atelier {kind} {e}",
                slug=f"atelier-{kind}-{e}", summary="Un atelier pour le banc d'essai.",
                registration_mode=RegistrationMode.PLATFORM, state=EventState.PUBLISHED,
                published_at=timezone.now(),
            )
            for s in range(min(slots_per_event, count - len(made))):
                starts_at = first + timedelta(days=s % 5, hours=9 + 3 * (s // 5))
                made.append(Slot.objects.create(event=event, starts_at=starts_at,
                                                ends_at=starts_at + timedelta(hours=2),
                                                capacity=capacity))
            event.refresh_span()
        return made

    return slots_of("service", slots, seats), slots_of("baseline", slots, None)


class LockSampler(threading.Thread):
    """Every 50 ms, the other sessions of the database: waiting on a lock, running a statement,
    idle inside a transaction (the client is working while it holds its locks); and the tables
    whose row locks are waited on (a waiter queued behind another waits on a `tuple` lock that
    names the table; the first in line waits on the holder's transaction id)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.samples: list[tuple[int, int, int]] = []
        self.tables: Counter = Counter()

    def run(self):
        from django.db import connection, connections

        try:
            with connection.cursor() as cursor:
                while not self.stop.is_set():
                    cursor.execute(
                        "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'),"
                        " count(*) FILTER (WHERE state = 'active'"
                        "  AND coalesce(wait_event_type, '') <> 'Lock'),"
                        " count(*) FILTER (WHERE state = 'idle in transaction')"
                        " FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                    self.samples.append(cursor.fetchone())
                    cursor.execute(
                        "SELECT coalesce(l.relation::regclass::text, l.locktype), count(*)"
                        " FROM pg_locks l WHERE NOT l.granted AND (l.database IS NULL OR"
                        "  l.database = (SELECT oid FROM pg_database"
                        "   WHERE datname = current_database())) GROUP BY 1"
                    )
                    self.tables.update(dict(cursor.fetchall()))
                    self.stop.wait(0.05)
        finally:
            connections.close_all()

    def means(self) -> tuple[float, float, float]:
        if not self.samples:
            return (0.0, 0.0, 0.0)
        return tuple(statistics.mean(column) for column in zip(*self.samples, strict=True))


def run(label: str, clients: int, per_client: int, work) -> dict:
    """``clients`` threads, each with its own connection (opened before the clock starts), each
    calling ``work(client, n, rng)`` ``per_client`` times; the clock runs from the moment they
    are all released until the last one is done."""
    from django.db import connection, connections

    barrier = threading.Barrier(clients + 1)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    results: list[list] = [[] for _ in range(clients)]
    errors: list[BaseException] = []

    def client(i: int) -> None:
        rng = random.Random(f"{label}-{i}")
        try:
            connection.ensure_connection()
            barrier.wait()
            for n in range(per_client):
                start = time.perf_counter()
                results[i].append(work(i, n, rng))
                latencies[i].append(time.perf_counter() - start)
        except threading.BrokenBarrierError:
            pass
        except BaseException as error:  # reported by the main thread
            errors.append(error)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    sampler = LockSampler()
    barrier.wait()
    sampler.start()
    cpu, start = time.process_time(), time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    sampler.stop.set()
    sampler.join()
    if errors:
        raise RuntimeError(f"{label}: {len(errors)} clients failed") from errors[0]
    timings = sorted(t * 1000 for per in latencies for t in per)
    waiting, active, idle_in_tx = sampler.means()
    return {
        "rows": len(timings), "seconds": elapsed, "rate": len(timings) / elapsed,
        "p50": statistics.median(timings), "p95": timings[int(len(timings) * 0.95) - 1],
        "cpu": cpu / elapsed, "waiting": waiting, "active": active, "idle_in_tx": idle_in_tx,
        "tables": sampler.tables,
        "results": [r for per in results for r in per],
    }


def check(slots: list) -> dict:
    """Per slot: seats held (confirmed + offered) never above the capacity, and nobody on the
    waiting list while a seat was free (held = min(capacity, registrations))."""
    from django.db.models import Count, Q

    from semaine.registrations.models import HOLDS_SEAT, Registration, RegistrationStatus

    rows = {
        row["slot"]: row
        for row in Registration.objects.filter(slot__in=slots).values("slot").annotate(
            held=Count("pk", filter=Q(status__in=HOLDS_SEAT)),
            waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
            total=Count("pk"),
        )
    }
    empty = {"held": 0, "waiting": 0, "total": 0}
    over = lost = 0
    for slot in slots:
        row = rows.get(slot.pk, empty)
        over += row["held"] > slot.capacity
        lost += row["held"] < min(slot.capacity, row["total"])
    return {
        "slots": len(slots), "seats": sum(s.capacity for s in slots),
        "registrations": sum(r["total"] for r in rows.values()),
        "held": sum(r["held"] for r in rows.values()),
        "waiting": sum(r["waiting"] for r in rows.values()),
        "full": sum(rows.get(s.pk, empty)["held"] == s.capacity for s in slots),
        "over": over, "lost": lost,
        "max_held": max(rows.get(s.pk, empty)["held"] for s in slots),
    }


def main() -> None:
    clients = int(os.environ.get("BENCH_CLIENTS", "50"))
    rows = int(os.environ.get("BENCH_ROWS", "6000"))
    slot_count = int(os.environ.get("BENCH_SLOTS", "50"))
    seats = int(os.environ.get("BENCH_SEATS", "100"))
    per_client = rows // clients
    configure()
    migrate_seconds = scratch.create_database(DB)
    try:
        from django.db import connection
        from django.utils import timezone

        from semaine.registrations.models import Registration, RegistrationStatus
        from semaine.registrations.services import register

        service_slots, baseline_slots = build(slot_count, seats)
        pg_version = connection.pg_version
        connection.close()

        def insert(run: int):
            def work(i: int, n: int, rng: random.Random):
                slot = rng.choice(baseline_slots)
                return Registration.objects.create(
                    event_id=slot.event_id, slot_id=slot.pk, email=f"base{run}-{i}-{n}@example.org",
                    first_name="Camille", last_name=f"Martin {i}-{n}",
                    status=RegistrationStatus.CONFIRMED, confirmed_at=timezone.now(),
                ).status
            return work

        def registration(i: int, n: int, rng: random.Random):
            return register(slot=rng.choice(service_slots), email=f"Personne-{i}-{n}@Example.org",
                            first_name=" Camille ", last_name=f"Martin {i}-{n}",
                            email_verified=True).status

        runs = {
            "baseline 1": run("baseline-1", clients, per_client, insert(1)),
            "service": run("service", clients, per_client, registration),
            "baseline 2": run("baseline-2", clients, per_client, insert(2)),
        }
        verdict = check(service_slots)
        statuses = {s: runs["service"]["results"].count(s) for s in set(runs["service"]["results"])}
    finally:
        scratch.drop_database(DB)

    base = statistics.mean([runs["baseline 1"]["rate"], runs["baseline 2"]["rate"]])
    service = runs["service"]
    print(f"Machine: {os.cpu_count()} cores, PostgreSQL {pg_version // 10000}.{pg_version % 10000} "
          f"on the same machine (127.0.0.1), Python {platform.python_version()}. "
          f"{clients} clients = {clients} threads of one Python process, one connection each; "
          f"{per_client * clients} rows per run. Scratch database `{DB}` "
          f"(migrated in {migrate_seconds:.0f} s, dropped at the end).")
    print(f"E-mails: tasks backend `{TASKS_BACKEND}` (queued in memory on commit, never written "
          "nor sent): the figures are the database work and the rendering of the e-mails.")
    print()
    print(f"| {clients} concurrent clients | rows/s | ratio to baseline | p50 (ms) | p95 (ms) "
          "| client CPU (cores) | sessions waiting on a lock / running / idle in transaction |")
    print("|---|---|---|---|---|---|---|")
    names = {
        "baseline 1": "plain `Registration.objects.create()`, run before",
        "service": f"`register()`, random slot among {slot_count} of {seats} seats",
        "baseline 2": "plain `Registration.objects.create()`, run after",
    }
    for key in ("baseline 1", "service", "baseline 2"):
        r = runs[key]
        print(f"| {names[key]} | {r['rate']:.0f} | {r['rate'] / base:.0%} | {r['p50']:.1f} "
              f"| {r['p95']:.1f} | {r['cpu']:.2f} "
              f"| {r['waiting']:.1f} / {r['active']:.1f} / {r['idle_in_tx']:.1f} |")
    print(f"| **mean baseline** (runs before and after) | **{base:.0f}** | 100 % | | | | |")
    print(f"| **`register()`** | **{service['rate']:.0f}** | **{service['rate'] / base:.0%}** "
          "| | | | |")
    waits = service["tables"]
    total = sum(waits.values()) or 1
    print()
    print("Lock waits sampled during the `register()` run (share of waiting sessions, by what they "
          "wait on): " + ", ".join(f"{name} {count / total:.0%}" for name, count in waits.most_common())
          + ". A `tuple` wait names the table of the row; `transactionid` is the first in line "
          "waiting for the holder to commit.")
    print()
    ok = verdict["over"] == 0 and verdict["lost"] == 0
    print("| check after the service run | result |\n|---|---|")
    print(f"| slots (seats) | {verdict['slots']} ({verdict['seats']}) |")
    print(f"| registrations: confirmed / waitlisted (as returned) | "
          f"{statuses.get(RegistrationStatus.CONFIRMED, 0)} / "
          f"{statuses.get(RegistrationStatus.WAITLISTED, 0)} |")
    print(f"| in the table: rows / seats held (confirmed + offered) / waitlisted | "
          f"{verdict['registrations']} / {verdict['held']} / {verdict['waiting']} |")
    print(f"| slots full / most seats held on one slot | {verdict['full']} / {verdict['max_held']} |")
    print(f"| slots with confirmed + offered > capacity | {verdict['over']} |")
    print(f"| slots with someone waitlisted while a seat was free | {verdict['lost']} |")
    print(f"| verdict | {'**OK**' if ok else '**FAILED**'} |")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()

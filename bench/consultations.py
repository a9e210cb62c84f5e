"""Consultations: supports per second with 50 concurrent clients on one proposal, and the page of
a consultation with 10,000 proposals (PostgreSQL).

Usage (PostgreSQL on 127.0.0.1, role postgres; the script creates and drops its own scratch
database ``bench_consultations``, whatever DATABASE_URL says):

    python bench/consultations.py

Environment: BENCH_CLIENTS (50), BENCH_ROWS (3000 per run), BENCH_PROPOSALS (10,000),
BENCH_SAMPLES (100 requests per page shape).

1. Supports. Each client is a thread with its own database connection, all in this one Python
   process (``run`` of bench/registrations.py). Three runs of the same number of rows, each row
   by a different person with a verified address:

   - baseline: plain ``Support.objects.create(...)`` (one autocommitted INSERT each) on a proposal
     of its own;
   - ``semaine.consultations.services.support`` on ONE proposal for every client: it locks the
     person's row and the proposal's (``SELECT … FOR UPDATE``), checks the phase, the person's
     earlier supports, inserts and adds one to the proposal's count, in one transaction: every
     client waits on the same proposal row;
   - baseline again. The ratio compares the service to the mean of the two baselines.

   After the service run: the proposal's count equals its rows of supports.
2. The consultation's page (``consultations:detail``, the Django test client in-process: queries,
   template, everything but the network) with 10,000 published proposals: p50/p95 of the first
   page in the default random order and sorted by supports, and its number of queries compared
   with the same page when the consultation had 20 proposals.
"""

import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta

import scratch
from registrations import run

DB = "bench_consultations"
TASKS_BACKEND = "django_tasks.backends.dummy.DummyBackend"


def build_consultation():
    """An approved organisation and a consultation in its supports phase (each phase ten days),
    without a limit of supports per person nor a threshold."""
    from django.utils import timezone

    from semaine.consultations.models import Consultation, Phase
    from semaine.organisers.models import Organisation, OrganisationKind, OrganisationStatus

    organisation = Organisation.objects.create(
        name="Banc d'essai", slug="banc-d-essai", kind=OrganisationKind.DEPARTEMENT,
        status=OrganisationStatus.APPROVED,
    )
    first = timezone.localdate() - timedelta(days=10 * list(Phase).index(Phase.SUPPORTS) + 5)
    dates = {}
    for n, phase in enumerate(Phase):
        dates[f"{phase.value}_starts"] = first + timedelta(days=10 * n)
        dates[f"{phase.value}_ends"] = first + timedelta(days=10 * n + 9)
    return Consultation.objects.create(
        organisation=organisation, slug="banc-d-essai", title="Concevoir le futur accueil",
        question="Comment mieux accueillir les usagers ?", supports_per_person=None, **dates)


def people(count: int) -> list:
    from django.utils import timezone

    from semaine.accounts.models import User

    User.objects.bulk_create(
        [User(email=f"personne-{n}@example.org", first_name="Camille", last_name=f"Martin {n}",
              password="!", email_verified_at=timezone.now()) for n in range(count)],
        batch_size=2000)
    return list(User.objects.filter(email__startswith="personne-").order_by("pk"))


def proposals(consultation, count: int, prefix: str) -> list:
    from semaine.consultations.models import Proposal, ProposalState

    made = Proposal.objects.bulk_create(
        [Proposal(consultation=consultation, title=f"{prefix} {n}",
                  body="Pouvoir parler à un agent sans se déplacer, et **le soir**.",
                  commune="Nantes", state=ProposalState.PUBLISHED, supports_count=n % 97)
         for n in range(count)], batch_size=2000)
    return made


def page_timings(url: str, samples: int) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client()
    for _ in range(5):  # warm-up
        assert client.get(url).status_code == 200
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    timings = []
    for _ in range(samples):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    timings.sort()
    return {"queries": len(queries), "p50": statistics.median(timings),
            "p95": timings[int(len(timings) * 0.95) - 1], "max": timings[-1]}


def main() -> None:
    clients = int(os.environ.get("BENCH_CLIENTS", "50"))
    rows = int(os.environ.get("BENCH_ROWS", "3000"))
    count = int(os.environ.get("BENCH_PROPOSALS", "10000"))
    samples = int(os.environ.get("BENCH_SAMPLES", "100"))
    per_client = rows // clients
    scratch.configure(DB, SEMAINE_TASKS_BACKEND=TASKS_BACKEND)
    migrate_seconds = scratch.create_database(DB)
    try:
        from django.db import connection
        from django.urls import reverse

        from semaine.consultations.models import Proposal, Support
        from semaine.consultations.services import support

        consultation = build_consultation()
        users = people(per_client * clients)
        target, before, after = proposals(consultation, 3, "Un rendez-vous en visio")
        Proposal.objects.filter(pk__in=[target.pk, before.pk, after.pk]).update(supports_count=0)
        target.refresh_from_db()
        pg_version = connection.pg_version
        connection.close()

        def person(i: int, n: int):
            return users[i * per_client + n]

        def insert(proposal):
            def work(i: int, n: int, rng: random.Random):
                return Support.objects.create(consultation=consultation, proposal=proposal,
                                              user=person(i, n)).pk
            return work

        def supporting(i: int, n: int, rng: random.Random):
            return support(person(i, n), target).pk

        runs = {
            "baseline 1": run("baseline-1", clients, per_client, insert(before)),
            "service": run("service", clients, per_client, supporting),
            "baseline 2": run("baseline-2", clients, per_client, insert(after)),
        }
        target.refresh_from_db()
        stored = Support.objects.filter(proposal=target).count()
        counted_ok = target.supports_count == stored == per_client * clients

        # The page: 20 proposals (the three above and 17 more), then 10,000.
        url = reverse("consultations:detail", kwargs={"slug": consultation.slug})
        proposals(consultation, 17, "Proposition")
        small = {sort: page_timings(url + query, 10) for sort, query in
                 (("random", ""), ("supported", "?tri=supported"))}
        start = time.perf_counter()
        proposals(consultation, count - 20, "Proposition")
        build_seconds = time.perf_counter() - start
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        large = {sort: page_timings(url + query, samples) for sort, query in
                 (("random", ""), ("supported", "?tri=supported"))}
        total = Proposal.objects.filter(consultation=consultation).count()
    finally:
        scratch.drop_database(DB)

    base = statistics.mean([runs["baseline 1"]["rate"], runs["baseline 2"]["rate"]])
    service = runs["service"]
    print(f"Machine: {os.cpu_count()} cores, PostgreSQL {pg_version // 10000}.{pg_version % 10000} "
          f"on the same machine (127.0.0.1), Python {platform.python_version()}. "
          f"{clients} clients = {clients} threads of one Python process, one connection each; "
          f"{per_client * clients} supports per run, each by a different person. Scratch database "
          f"`{DB}` (migrated in {migrate_seconds:.0f} s, dropped at the end). Load: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end.")
    print()
    print(f"| {clients} concurrent clients | rows/s | ratio to baseline | p50 (ms) | p95 (ms) "
          "| client CPU (cores) | sessions waiting on a lock / running / idle in transaction |")
    print("|---|---|---|---|---|---|---|")
    names = {
        "baseline 1": "plain `Support.objects.create()`, run before",
        "service": "`support()`, every client on the same proposal",
        "baseline 2": "plain `Support.objects.create()`, run after",
    }
    for key in ("baseline 1", "service", "baseline 2"):
        r = runs[key]
        print(f"| {names[key]} | {r['rate']:.0f} | {r['rate'] / base:.0%} | {r['p50']:.1f} "
              f"| {r['p95']:.1f} | {r['cpu']:.2f} "
              f"| {r['waiting']:.1f} / {r['active']:.1f} / {r['idle_in_tx']:.1f} |")
    print(f"| **mean baseline** (runs before and after) | **{base:.0f}** | 100 % | | | | |")
    print(f"| **`support()`** | **{service['rate']:.0f}** | **{service['rate'] / base:.0%}** "
          "| | | | |")
    waits = service["tables"]
    share = sum(waits.values()) or 1
    print()
    print("Lock waits sampled during the `support()` run: "
          + ", ".join(f"{name} {n / share:.0%}" for name, n in waits.most_common()) + ".")
    print(f"After the run: the proposal counts {target.supports_count} supports, its rows of "
          f"supports are {stored}: {'**OK**' if counted_ok else '**FAILED**'}.")
    print()
    print(f"Consultation page, first page, {samples} requests each ({total} proposals, written in "
          f"{build_seconds:.1f} s):")
    print()
    print("| order | queries with 20 proposals | queries with "
          f"{total} | p50 (ms) | p95 (ms) | max (ms) |")
    print("|---|---|---|---|---|---|")
    for sort in ("random", "supported"):
        r = large[sort]
        print(f"| {sort} | {small[sort]['queries']} | {r['queries']} | {r['p50']:.1f} "
              f"| {r['p95']:.1f} | {r['max']:.1f} |")
    constant = all(small[s]["queries"] == large[s]["queries"] for s in small)
    print()
    print(f"Constant number of queries: {'**OK**' if constant else '**FAILED**'}.")
    if not (counted_ok and constant):
        sys.exit(1)


if __name__ == "__main__":
    main()

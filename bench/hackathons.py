"""Hackathon results at scale, and the gallery's queries (PostgreSQL).

Usage (PostgreSQL on 127.0.0.1, role postgres; the script creates and drops its own scratch
database ``bench_hackathons``):

    python bench/hackathons.py

Environment: BENCH_SUBMISSIONS (300), BENCH_JURORS (30), BENCH_CRITERIA (5), BENCH_GALLERY
(5,000 projects in all).

One hackathon with every juror scoring every submission (written in bulk), then, in one run:

1. baseline: the plain read of every score (``values_list`` of sheet, criterion, value);
2. ``close_scoring`` (each sheet's salted commitment recorded in the ledger);
3. ``publish_results`` (the published sheets and the ranking recorded);
4. the results page's computation (``queries.results``: the sheets read, the ranking computed);
5. the verification's recomputation (``verify.recompute`` over the published JSON);
6. the gallery's first page with 300 projects, then with BENCH_GALLERY: its number of queries.
"""

import os
import platform
import sys
import time
from datetime import date, timedelta

import scratch

DB = "bench_hackathons"
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", 300))
JURORS = int(os.environ.get("BENCH_JURORS", 30))
CRITERIA = int(os.environ.get("BENCH_CRITERIA", 5))
GALLERY = int(os.environ.get("BENCH_GALLERY", 5000))


def timed(label, function):
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.3f} s", flush=True)
    return result, seconds


def build(organiser, organisation, edition, *, submissions, jurors, criteria, title):
    import random

    from django.utils import timezone

    from semaine.accounts.models import User
    from semaine.agenda.models import Event, EventState, Format, Slot
    from semaine.hackathons.models import (
        Challenge,
        Criterion,
        Hackathon,
        HackathonState,
        Juror,
        JurorState,
        Score,
        ScoreSheet,
        Submission,
        Team,
    )

    now = timezone.now()
    event = Event.objects.create(edition=edition, organisation=organisation, title=title,
                                 slug=title.lower().replace(" ", "-"), summary="Banc d’essai",
                                 state=EventState.PUBLISHED, published_at=now)
    event.formats.set([Format.objects.get(slug="hackathon")])
    Slot.objects.create(event=event, starts_at=now, ends_at=now + timedelta(hours=8))
    past = now - timedelta(days=1)
    hack = Hackathon.objects.create(
        event=event, state=HackathonState.OPEN, registration_opens_at=past,
        registration_closes_at=past, kickoff_at=past, submission_deadline=past, pitches_at=past,
        results_at=past, team_max=5)
    challenge = Challenge.objects.create(hackathon=hack, organisation=organisation, title="Défi",
                                         problem="…", serves="…", expected_outcome="…",
                                         contact_name="…", contact_email="defi@example.fr")
    teams = Team.objects.bulk_create([Team(hackathon=hack, challenge=challenge, name=f"Équipe {i}")
                                      for i in range(submissions)])
    projects = Submission.objects.bulk_create([
        Submission(team=team, hackathon=hack, challenge=challenge, title=f"Projet {i}",
                   summary="Un projet.", licence="MIT", version=1)
        for i, team in enumerate(teams)])
    if not jurors:
        return hack
    specs = Criterion.objects.bulk_create([
        Criterion(hackathon=hack, name=f"Critère {i}", weight=1 + i % 3, scale_max=10, position=i)
        for i in range(criteria)])
    users = User.objects.bulk_create([User(email=f"jure{i}@example.fr", first_name="Juré",
                                           last_name=str(i)) for i in range(jurors)])
    panel = Juror.objects.bulk_create([
        Juror(hackathon=hack, email=u.email, user=u, pseudonym=f"J{i + 1}",
              state=JurorState.ACCEPTED, token=f"t{title}{i}") for i, u in enumerate(users)])
    sheets = ScoreSheet.objects.bulk_create([ScoreSheet(juror=j, submission=s)
                                             for j in panel for s in projects], batch_size=5000)
    rng = random.Random(2017)
    Score.objects.bulk_create([Score(sheet=sheet, criterion=c, value=rng.randint(0, 10))
                               for sheet in sheets for c in specs], batch_size=10000)
    return hack


def main() -> int:
    scratch.configure(DB, SEMAINE_TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend")
    scratch.create_database(DB)
    try:
        from django.db import connection, transaction
        from django.test import RequestFactory
        from django.test.utils import CaptureQueriesContext

        from semaine.accounts.models import User
        from semaine.agenda.models import Edition
        from semaine.hackathons import queries, services, verify
        from semaine.hackathons.models import Score
        from semaine.organisers.models import Membership, Organisation, OrganisationStatus
        from semaine.web.public import hackathons as pages

        edition = Edition.objects.create(name="Banc", slug="banc", starts_on=date.today(),
                                         ends_on=date.today() + timedelta(days=6),
                                         submission_deadline=date.today())
        organisation = Organisation.objects.create(name="Banc", slug="banc", kind="departement",
                                                   status=OrganisationStatus.APPROVED)
        organiser = User.objects.create(email="organisateur@example.fr")
        Membership.objects.create(user=organiser, organisation=organisation, role="admin")
        hack, built = timed(f"build {SUBMISSIONS} × {JURORS} × {CRITERIA}", lambda: build(
            organiser, organisation, edition, submissions=SUBMISSIONS, jurors=JURORS,
            criteria=CRITERIA, title="Hackathon principal"))
        _rows, baseline = timed("baseline: plain read of every score", lambda: list(
            Score.objects.filter(sheet__juror__hackathon=hack)
            .values_list("sheet_id", "criterion_id", "value")))
        with transaction.atomic():
            _sheets, closing = timed("close_scoring (commitments recorded)",
                                     lambda: services.close_scoring(organiser, hack))
        with transaction.atomic():
            _ranked, publishing = timed("publish_results (sheets and ranking recorded)",
                                        lambda: services.publish_results(organiser, hack))
        hack.refresh_from_db()
        results, computing = timed("results page: sheets read, ranking computed",
                                   lambda: queries.results(hack))
        data = queries.results_for_verification(hack)
        problems, verifying = timed("verification: ranking recomputed from the published JSON",
                                    lambda: verify.recompute(data))
        assert problems == [], problems
        assert len(results["sheets"]) == SUBMISSIONS * JURORS

        def gallery_queries():
            request = RequestFactory().get("/hackathons/projets/")
            request.user = organiser
            with CaptureQueriesContext(connection) as ctx:
                assert pages.gallery(request).status_code == 200
            return len(ctx.captured_queries)

        few = gallery_queries()
        other = build(organiser, organisation, edition, submissions=GALLERY - SUBMISSIONS,
                      jurors=0, criteria=0, title="Hackathon galerie")
        other.state = "published"
        other.save(update_fields=["state"])
        many = gallery_queries()
        print(f"gallery: {few} queries with {SUBMISSIONS} projects, {many} with {GALLERY}")
        print()
        print("| sheets | scores | plain read | close | publish | results computed | "
              "recomputed (verify) | results ÷ plain read | gallery queries |")
        print("|---|---|---|---|---|---|---|---|---|")
        print(f"| {SUBMISSIONS * JURORS:,} | {SUBMISSIONS * JURORS * CRITERIA:,} | "
              f"{baseline:.2f} s | {closing:.2f} s | {publishing:.2f} s | {computing:.2f} s | "
              f"{verifying:.2f} s | {computing / baseline:.1f} × | {few} / {many} |")
        print(f"\n{platform.python_implementation()} {platform.python_version()}, "
              f"{os.cpu_count()} CPU, built in {built:.1f} s")
        return 0
    finally:
        scratch.drop_database(DB)


if __name__ == "__main__":
    sys.exit(main())

"""What the public ledger records of a hackathon's jury, and how it checks it again.

- When scoring closes, each complete score sheet is recorded as a **salted commitment**
  (``hackathon.sheet.closed``, subject ``hackathon-sheet:<sheet>``): the SHA-256 of a secret salt
  and the sheet's canonical form (juror pseudonym, project, scores). Nobody learns the scores
  from the log; ``semaine ledger verify`` recomputes the commitment of every closed sheet in the
  database (``SHEETS``) and names one changed after closing.
- When results are published, each sheet is recorded in the clear as published (juror
  **pseudonym**, project, scores: ``hackathon.sheet.published``) and the ranking with its method
  (``hackathon.results``, subject ``hackathon:<hackathon>``). Anyone can recompute the ranking
  from the published sheets (``ranking.from_records``). No name, no e-mail address in the log.
"""

from __future__ import annotations

from django.db.models import Count

from semaine.ledger.services import canonical, commitment, opens, record_many
from semaine.ledger.subjects import Subject

from . import ranking
from .models import Criterion, Hackathon, HackathonState, Score, ScoreSheet

SHEET_CLOSED = "hackathon.sheet.closed"
SHEET_PUBLISHED = "hackathon.sheet.published"
RESULTS = "hackathon.results"

METHOD = "minmax-per-juror/weighted-mean/v1"


def sheet_subject(sheet) -> str:
    return f"hackathon-sheet:{sheet.public_id}"


def hackathon_subject(hackathon) -> str:
    return f"hackathon:{hackathon.public_id}"


def criterion_key(criterion: Criterion) -> str:
    return f"c{criterion.pk}"


def criteria_record(hackathon) -> list[dict]:
    return [{"key": criterion_key(c), "name": c.name, "weight": c.weight, "scale_max": c.scale_max}
            for c in hackathon.criteria.all()]


def complete_sheets(hackathon) -> list[ScoreSheet]:
    """The sheets that count: a score for every criterion."""
    count = hackathon.criteria.count()
    return list(ScoreSheet.objects.filter(juror__hackathon=hackathon)
                .annotate(filled=Count("scores")).filter(filled=count)
                .select_related("juror", "submission")
                .prefetch_related("scores__criterion").order_by("pk"))


def sheet_values(sheet) -> dict:
    """The public form of a sheet: its juror's pseudonym, the project, the scores."""
    return {
        "sheet": str(sheet.public_id), "juror": sheet.juror.pseudonym,
        "submission": str(sheet.submission.public_id),
        "scores": {criterion_key(s.criterion): s.value for s in sheet.scores.all()},
    }


def _committed(sheet) -> str:
    return canonical(sheet_values(sheet)).decode()


def record_commitments(hackathon, sheets: list[ScoreSheet]) -> None:
    """At closing: each sheet's salted commitment, in the caller's transaction."""
    facts = []
    for sheet in sheets:
        sheet.commitment = commitment(_committed(sheet))
        facts.append((SHEET_CLOSED, sheet_subject(sheet),
                      {"hackathon": str(hackathon.public_id), "sheet": str(sheet.public_id),
                       "commitment": sheet.commitment}))
    ScoreSheet.objects.bulk_update(sheets, ["commitment"], batch_size=1000)
    record_many(facts)


def published_sheets(hackathon) -> list[dict]:
    """The closed sheets in their published form (``sheet_values`` and the commitment), read as
    plain values in one query."""
    rows = (Score.objects.filter(sheet__juror__hackathon=hackathon)
            .exclude(sheet__commitment="").order_by("sheet_id", "criterion_id")
            .values_list("sheet_id", "sheet__public_id", "sheet__juror__pseudonym",
                         "sheet__submission__public_id", "sheet__commitment", "criterion_id",
                         "value"))
    sheets: dict[int, dict] = {}
    for pk, public_id, pseudonym, submission, digest, criterion, value in rows.iterator(
            chunk_size=5000):
        sheet = sheets.get(pk)
        if sheet is None:
            sheet = sheets[pk] = {"sheet": str(public_id), "juror": pseudonym,
                                  "submission": str(submission), "scores": {},
                                  "commitment": digest}
        sheet["scores"][f"c{criterion}"] = value
    return list(sheets.values())


def results_record(hackathon, sheets: list[dict] | None = None) -> dict:
    """The published results' record; ``sheets``: ``published_sheets(hackathon)`` if read."""
    criteria = criteria_record(hackathon)
    sheets = published_sheets(hackathon) if sheets is None else sheets
    ranked = ranking.from_records(criteria, sheets)
    submissions = {str(s.public_id): s for s in hackathon.submissions.select_related("challenge")}
    return {
        "hackathon": str(hackathon.public_id),
        "event": str(hackathon.event.public_id),
        "method": METHOD,
        "criteria": criteria,
        "sheets": len(sheets),
        "ranking": [{"rank": r.rank, "submission": r.submission,
                     "challenge": str(submissions[r.submission].challenge.public_id),
                     "score": ranking.score_text(r.score), "firsts": r.firsts,
                     "prize": submissions[r.submission].prize}
                    for r in ranked],
    }


def record_results(hackathon) -> list[ranking.Ranked]:
    """At publication: every published sheet in the clear (pseudonyms), then the ranking."""
    sheets = published_sheets(hackathon)
    facts = [(SHEET_PUBLISHED, f"hackathon-sheet:{s['sheet']}",
              {"hackathon": str(hackathon.public_id), **s}) for s in sheets]
    result = results_record(hackathon, sheets)
    facts.append((RESULTS, hackathon_subject(hackathon), result))
    record_many(facts)
    return ranking.from_records(result["criteria"], sheets)


class SheetSubject(Subject):
    """A closed score sheet: its commitment must still open to the sheet in the database."""

    prefix = "hackathon-sheet"
    kinds = (SHEET_CLOSED,)
    fields = {"hackathon": "hackathon", "sheet": "fiche", "commitment": "engagement"}

    def key(self, sheet) -> str:
        return str(sheet.public_id)

    def record(self, sheet) -> dict:
        # the commitment made at closing, while it still opens to the sheet as it is now (a
        # changed score, and the commitment no longer opens: ``semaine ledger verify`` says so)
        holds = bool(sheet.commitment) and opens(sheet.commitment, _committed(sheet))
        return {"hackathon": str(sheet.juror.hackathon.public_id), "sheet": str(sheet.public_id),
                "commitment": sheet.commitment if holds else None}

    def current(self):
        return (ScoreSheet.objects.exclude(commitment="")
                .select_related("juror__hackathon", "submission")
                .prefetch_related("scores__criterion").iterator(chunk_size=500))

    def name(self, sheet) -> str:
        return f"fiche de notation {sheet.public_id}"


class ResultsSubject(Subject):
    """A hackathon's published results: the ranking recomputed from the sheets in the database."""

    prefix = "hackathon"
    kinds = (RESULTS,)
    fields = {"ranking": "classement", "criteria": "critères", "sheets": "fiches",
              "method": "méthode", "hackathon": "hackathon", "event": "événement"}

    def key(self, hackathon) -> str:
        return str(hackathon.public_id)

    def record(self, hackathon) -> dict:
        return results_record(hackathon)

    def current(self):
        return Hackathon.objects.filter(state=HackathonState.PUBLISHED).select_related("event")

    def name(self, hackathon) -> str:
        return f"résultats du hackathon {hackathon.public_id}"


SHEETS = SheetSubject()
RESULTS_SUBJECT = ResultsSubject()

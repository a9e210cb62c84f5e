"""The ranking of a hackathon's projects from the jurors' score sheets. No Django here: the
results page's method, ``semaine hackathon verify`` and the tests all run this same function.

The method, in order:

1. **Weighted total of a sheet.** Each score is put on a 0 to 1 scale (``value / scale_max`` of
   its criterion), then the criteria are averaged with their weights.
2. **Per-juror normalisation (min-max).** For each juror, their sheets' weighted totals are
   mapped onto 0 to 1: the juror's lowest total becomes 0, their highest 1. A harsh juror and a
   lenient one thus count alike; adding the same number of points to every score of one juror
   changes nothing. A juror whose totals are all equal (or who filled a single sheet) gives
   every sheet ½. Min-max rather than z-scores: it is computed exactly (fractions, no square
   root), so nobody recomputing the ranking elsewhere can find a different order by rounding.
3. **A project's score** is the mean of its normalised sheets.
4. **Ties** are broken by the number of jurors who gave the project their highest total, then by
   the project's public identifier (alphabetical order): a fixed rule that depends on nothing
   but the sheets.

Everything is computed with ``fractions.Fraction``: the result does not depend on the order in
which the sheets are given.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

HALF = Fraction(1, 2)


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    weight: int
    scale_max: int


@dataclass(frozen=True)
class Sheet:
    juror: str
    submission: str
    scores: dict  # criterion key → value


@dataclass(frozen=True)
class Ranked:
    rank: int
    submission: str
    score: Fraction
    firsts: int
    sheets: int


def sheet_total(sheet: Sheet, criteria: list[CriterionSpec]) -> Fraction:
    """The sheet's weighted total on a 0 to 1 scale (a missing score counts as 0)."""
    weights = sum(c.weight for c in criteria)
    if not weights:
        return Fraction(0)
    # on the common scale ``common`` (a multiple of every maximum): one fraction per sheet
    common = lcm(*(c.scale_max for c in criteria))
    total = sum(c.weight * sheet.scores.get(c.key, 0) * (common // c.scale_max) for c in criteria)
    return Fraction(total, weights * common)


def normalised(sheets: list[Sheet], criteria: list[CriterionSpec]) -> dict[tuple[str, str], Fraction]:
    """``(juror, submission)`` → the sheet's total normalised within its juror's sheets."""
    totals: dict[str, dict[str, Fraction]] = defaultdict(dict)
    for sheet in sheets:
        totals[sheet.juror][sheet.submission] = sheet_total(sheet, criteria)
    result = {}
    for juror, by_submission in totals.items():
        low, high = min(by_submission.values()), max(by_submission.values())
        for submission, total in by_submission.items():
            result[(juror, submission)] = HALF if high == low else (total - low) / (high - low)
    return result


def rank(sheets: list[Sheet], criteria: list[CriterionSpec]) -> list[Ranked]:
    """The projects from first to last (see the module's method)."""
    norm = normalised(sheets, criteria)
    by_submission: dict[str, list[Fraction]] = defaultdict(list)
    firsts: dict[str, int] = defaultdict(int)
    for (_juror, submission), value in norm.items():
        by_submission[submission].append(value)
        if value == 1:
            firsts[submission] += 1
    rows = [(sum(values, Fraction(0)) / len(values), firsts[submission], submission, len(values))
            for submission, values in by_submission.items()]
    rows.sort(key=lambda row: (-row[0], -row[1], row[2]))
    return [Ranked(rank=i, submission=submission, score=score, firsts=first, sheets=count)
            for i, (score, first, submission, count) in enumerate(rows, start=1)]


def score_text(score: Fraction) -> str:
    """A project's score as the results page and the ledger show it (six decimals)."""
    return f"{float(score):.6f}"


def from_records(criteria: list[dict], sheets: list[dict]) -> list[Ranked]:
    """The ranking from the published records (``hackathon.results`` and the published sheets)."""
    specs = [CriterionSpec(str(c["key"]), int(c["weight"]), int(c["scale_max"])) for c in criteria]
    return rank([Sheet(str(s["juror"]), str(s["submission"]),
                       {str(k): int(v) for k, v in s["scores"].items()}) for s in sheets], specs)

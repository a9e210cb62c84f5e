"""``semaine ledger verify`` on this node: the log rebuilt and checked, then the platform's data
reconciled with it (each thing a domain registered, ``subjects``, against its latest entry)."""

from __future__ import annotations

import hashlib
import json

from . import queries, subjects
from .audit import AuditError, Report, verify
from .compare import describe, differences
from .models import Block, Entry
from .services import canonical, verifier


class DatabaseSource:
    """This node's log, read from the database the way the public endpoints read it.

    The latest block is read once, when the source is made: the checkpoint, the history and
    the tiles are then those of that tree, so a block sealed during a verification is simply
    not part of it (the next verification covers it)."""

    def __init__(self):
        self.block = queries.latest_block()
        self.size = self.block.size if self.block else 0

    def key(self) -> str:
        return str(verifier())

    def checkpoint(self) -> str:
        if self.block is None:
            raise AuditError("aucun bloc n’a encore été scellé")
        return self.block.cosigned or self.block.checkpoint

    def checkpoints(self) -> list[str]:
        if self.block is None:
            return []
        blocks = (Block.objects.filter(number__lte=self.block.number).order_by("number")
                  .only("checkpoint", "cosigned"))
        return [b.cosigned or b.checkpoint for b in blocks]

    def tile(self, level: int, number: int, width: int) -> bytes:
        data = queries.tile(level, number, width, self.size)
        if data is None:
            raise AuditError(f"la tuile {level}/{number} manque")
        return data

    def bundle(self, number: int, width: int) -> bytes:
        data = queries.entry_bundle(number, width, self.size)
        if data is None:
            raise AuditError(f"le paquet d’entrées {number} manque")
        return data


def altered_entries() -> list[str]:
    """Sealed entries whose public record, kept beside the log, no longer hashes to the SHA-256
    their leaf holds (or whose leaf is no longer an entry): each named by its index."""
    problems = []
    rows = (Entry.objects.exclude(index=None).order_by("index")
            .values_list("index", "subject", "data", "record"))
    for index, subject, data, record in rows.iterator(chunk_size=2000):
        try:
            recorded = json.loads(bytes(data))["sha256"]
        except (ValueError, KeyError, TypeError):
            problems.append(f"entrée n° {index} ({subject}) : sa feuille n’est plus une entrée du registre")
            continue
        if hashlib.sha256(record.encode()).hexdigest() != recorded:
            problems.append(f"entrée n° {index} ({subject}) : l’enregistrement public gardé à côté du "
                            "registre a été modifié (son SHA-256 n’est plus celui que l’entrée a scellé)")
    return problems


NOT_RECORDED = "absent du registre"
RECORD_ALTERED = "l’enregistrement public de sa dernière entrée a été modifié"
CHANGED = "modifié hors de la plateforme depuis son dernier enregistrement"


def _tampered():
    """``(subject, object, reason)`` for every thing visitors see now that is not what the log
    last recorded of it."""
    for what in subjects.registered():
        if not what.kinds:
            continue
        latest = {}
        for entry in (Entry.objects.filter(kind__in=what.kinds).order_by("id")
                      .only("index", "subject", "data", "record")):
            latest[entry.subject] = entry
        for obj in what.current():
            entry = latest.get(what.subject(obj))
            if entry is None:
                yield what, obj, NOT_RECORDED
                continue
            recorded = json.loads(bytes(entry.data))["sha256"]
            if hashlib.sha256(entry.record.encode()).hexdigest() != recorded:
                # a sealed entry is named by ``altered_entries``; one waiting for its seal, here
                yield what, obj, (RECORD_ALTERED if entry.index is not None
                                  else f"{RECORD_ALTERED} (entrée en attente de scellement)")
                continue
            now = what.record(obj)
            if hashlib.sha256(canonical(now)).hexdigest() != recorded:
                where = (f"entrée n° {entry.index}" if entry.index is not None
                         else "entrée en attente de scellement")
                detail = describe(differences(now, json.loads(entry.record), what.fields), "en base",
                                  what.fields)
                yield what, obj, f"{CHANGED} ({where}) : {detail}"


def tampered_subjects() -> list[tuple[object, str]]:
    """The things visitors see (published events…) that are not what the log last recorded of
    them, with the reason (and, for one changed behind the platform, which fields differ: in the
    database, recorded)."""
    return [(obj, reason) for _what, obj, reason in _tampered()]


def verify_here() -> tuple[Report, list]:
    report = verify(DatabaseSource(), verifier())
    report.problems += altered_entries()
    problems = []
    for what, obj, reason in _tampered():
        problems.append((obj, reason))
        if reason != RECORD_ALTERED:  # a sealed entry: ``altered_entries`` named it by its index
            report.problems.append(f"{what.name(obj)} : {reason}")
    return report, problems

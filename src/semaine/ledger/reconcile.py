"""``semaine ledger verify`` on this node: the log itself, and the programme against the log."""

from __future__ import annotations

import hashlib
import json

from . import queries
from .audit import AuditError, Report, verify
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


def tampered_events() -> list[tuple[object, str]]:
    """Published events that are not what the log last recorded of them, with the reason (and,
    for an event changed behind the platform, which fields differ: in the database, recorded)."""
    from semaine.agenda.ledger import RECORD_PREFETCH, RECORD_RELATED, event_record, event_subject
    from semaine.agenda.models import Event, EventState

    from .compare import EVENT_KINDS, describe, differences

    latest = {}
    for entry in (Entry.objects.filter(kind__in=EVENT_KINDS).order_by("id")
                  .only("index", "subject", "data", "record")):
        latest[entry.subject] = entry
    problems = []
    events = (Event.objects.filter(state=EventState.PUBLISHED)
              .select_related(*RECORD_RELATED).prefetch_related(*RECORD_PREFETCH))
    for event in events.iterator(chunk_size=500):
        entry = latest.get(event_subject(event))
        if entry is None:
            problems.append((event, NOT_RECORDED))
            continue
        recorded = json.loads(bytes(entry.data))["sha256"]
        if hashlib.sha256(entry.record.encode()).hexdigest() != recorded:
            problems.append((event, RECORD_ALTERED))
            continue
        now = event_record(event)
        if hashlib.sha256(canonical(now)).hexdigest() != recorded:
            where = (f"entrée n° {entry.index}" if entry.index is not None
                     else "entrée en attente de scellement")
            detail = describe(differences(now, json.loads(entry.record)), "en base")
            problems.append((event, f"{CHANGED} ({where}) : {detail}"))
    return problems


def verify_here() -> tuple[Report, list]:
    report = verify(DatabaseSource(), verifier())
    report.problems += altered_entries()
    problems = tampered_events()
    for event, reason in problems:
        report.problems.append(f"{event.title} ({event.public_id}) : {reason}")
    return report, problems

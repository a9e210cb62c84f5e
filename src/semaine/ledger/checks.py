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
            raise AuditError("no block has been sealed yet")
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
            raise AuditError(f"tile {level}/{number} is missing")
        return data

    def bundle(self, number: int, width: int) -> bytes:
        data = queries.entry_bundle(number, width, self.size)
        if data is None:
            raise AuditError(f"entry bundle {number} is missing")
        return data


def tampered_events() -> list[tuple[object, str]]:
    """Published events that are not what the log last recorded of them, with the reason."""
    from semaine.agenda.models import Event, EventState

    from .records import EVENT_KINDS, RECORD_PREFETCH, RECORD_RELATED, event_record, event_subject

    latest = {}
    for entry in Entry.objects.filter(kind__in=EVENT_KINDS).order_by("id").only("subject", "data", "record"):
        latest[entry.subject] = entry
    problems = []
    events = (Event.objects.filter(state=EventState.PUBLISHED)
              .select_related(*RECORD_RELATED).prefetch_related(*RECORD_PREFETCH))
    for event in events.iterator(chunk_size=500):
        entry = latest.get(event_subject(event))
        if entry is None:
            problems.append((event, "not in the log"))
            continue
        recorded = json.loads(bytes(entry.data))["sha256"]
        if hashlib.sha256(entry.record.encode()).hexdigest() != recorded:
            problems.append((event, "the record kept beside the log was altered"))
        elif hashlib.sha256(canonical(event_record(event))).hexdigest() != recorded:
            problems.append((event, "changed outside the platform since it was last recorded"))
    return problems


def verify_here() -> tuple[Report, list]:
    report = verify(DatabaseSource(), verifier())
    problems = tampered_events()
    for event, reason in problems:
        report.problems.append(f"{event.title} ({event.public_id}): {reason}")
    return report, problems

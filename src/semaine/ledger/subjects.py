"""What the ledger knows of the things it records: only what each domain registers here.

The ledger imports no domain. A domain that records facts about its objects (the agenda, its
events) subclasses ``Subject`` in its own ``ledger`` module and registers an instance from its
``AppConfig.ready()``. The subject says how to build the public record of one object, which
objects the log must hold from the day it is switched on (the backfill of the first seal), which
objects visitors see now (``semaine ledger verify`` checks each against its latest entry), how a
problem names one, what the node's public API publishes of them (``semaine ledger verify URL``
compares that with the log) and what the in-browser check of a page needs.

No Django here: the remote verification (``compare``) reads this registry too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Published:
    """One thing a node's public API publishes, in the shape of the record the log holds of it."""

    record: dict
    #: when it last changed, as the API says (ISO 8601 with its offset), if it says
    updated_at: str | None = None


class Subject:
    """One kind of thing the ledger records. Its entries are about ``<prefix>:<key>``; the entries
    of ``kinds`` describe the thing itself, their latest one being what visitors must see."""

    #: the start of the subject of every entry about such a thing (``event`` → ``event:<key>``)
    prefix: str = ""
    #: the kinds of the entries that describe the thing itself
    kinds: tuple[str, ...] = ()
    #: the kind of the entry the backfill records for a thing the log does not hold yet
    backfill_kind: str = ""
    #: a record's fields, in the order differences are reported, with their French names
    fields: dict[str, str] = {}  # read only: each subclass sets its own
    #: the kinds of every entry about such things, with the words the public pages name them by
    #: (lazy translations)
    kind_labels: dict = {}  # read only: each subclass sets its own

    # --- recording -----------------------------------------------------------------------------

    def key(self, obj) -> str:
        raise NotImplementedError

    def subject(self, obj) -> str:
        return f"{self.prefix}:{self.key(obj)}"

    def record(self, obj) -> dict:
        """The public record of ``obj``: what a visitor sees of it, no internal field, no person."""
        raise NotImplementedError

    def backfill(self) -> Iterable:
        """The objects the log must hold from its first block (those it does not hold yet are
        recorded as ``backfill_kind`` when the first block is sealed)."""
        return ()

    # --- verifying on this node ----------------------------------------------------------------

    def current(self) -> Iterable:
        """The objects visitors see now: each must be what the latest entry about it recorded."""
        return ()

    def name(self, obj) -> str:
        """How a problem about ``obj`` names it."""
        return self.subject(obj)

    # --- verifying a node from outside ---------------------------------------------------------

    def published(self, site: str, records: list[dict], timeout: float) -> Iterable[Published]:
        """Everything the node at ``site`` publishes of such things through its public API
        (``records``: the latest recorded ones, read from its log). A malformed answer raises
        ``audit.AuditError`` naming what is wrong."""
        return ()

    def subject_of(self, record: dict) -> str:
        return f"{self.prefix}:{record['id']}"

    def title(self, record: dict) -> str:
        """The words that name a recorded thing in a report, beside its subject."""
        return ""

    def is_public(self, record: dict) -> bool:
        """True if the node must publish the thing ``record`` describes."""
        return False

    # --- pages ---------------------------------------------------------------------------------

    def rendered(self, record) -> dict:
        """What a page renders of ``record`` (sanitised HTML) that the in-browser check compares."""
        return {}

    def page_labels(self) -> dict:
        """The words a page uses for the recorded codes, for the in-browser check."""
        return {}


_registry: dict[str, Subject] = {}


def register(subject: Subject) -> Subject:
    """Make ``subject`` known to the ledger (once per prefix); returns it."""
    if not subject.prefix or ":" in subject.prefix:
        raise ValueError(f"a ledger subject needs a prefix without ':' (got {subject.prefix!r})")
    known = _registry.get(subject.prefix)
    if known is not None and known is not subject:
        raise ValueError(f"the ledger subject {subject.prefix!r} is already registered")
    _registry[subject.prefix] = subject
    return subject


def registered() -> list[Subject]:
    """Every registered subject, in the order they were registered."""
    return list(_registry.values())


def of(subject: str) -> Subject | None:
    """The registered subject of an entry's ``subject`` (``event:…`` → the events' one)."""
    return _registry.get(subject.partition(":")[0])


def kind_label(kind: str) -> str:
    """The words that name an entry's ``kind`` on the public pages, as the domain that records
    it registered them; the kind itself when no domain names it."""
    for subject in _registry.values():
        if kind in subject.kind_labels:
            return str(subject.kind_labels[kind])
    return kind


def describing(kind: str) -> Subject | None:
    """The registered subject whose entries of ``kind`` describe the thing itself, if any."""
    return next((s for s in _registry.values() if kind in s.kinds), None)

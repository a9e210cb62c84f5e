"""What a node publishes against what its log recorded: field by field, named in French.

The log's entries hold the SHA-256 of each public record; the node serves those records beside
the log (``/ledger/records/<n>.json``) and the things themselves through its public API.
``check_public_data`` reads both over HTTP, checks each record against the hash its (verified)
entry holds, then compares the latest record of every thing a domain registered (``subjects``:
the events of the programme…) with what the API publishes of it. No Django here: a third party
runs it against any node.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from . import merkle, subjects
from .audit import MAX_RECORDS_PAGE, AuditError, fetch, read_json

#: how long after a change the log may not hold it yet (a block is sealed every minute or so)
DEFAULT_GRACE = timedelta(minutes=10)


def show(value, limit: int = 160) -> str:
    """A value as the report quotes it: text as is, anything else as compact JSON, cut short."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                           separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def differences(shown: dict, recorded: dict, fields) -> list[tuple[str, object, object]]:
    """``(field, shown value, recorded value)`` for every field of ``fields`` (in their order)
    where the two differ; a field absent from ``shown`` counts as ``None``."""
    out = []
    for name in fields:
        if shown.get(name) != recorded.get(name):
            out.append((name, shown.get(name), recorded.get(name)))
    return out


def describe(diffs, shown_word: str = "publié", fields=None) -> str:
    """``titre (publié « X », enregistré « Y ») ; …``, each field by its French name in ``fields``."""
    fields = fields or {}
    return " ; ".join(f"{fields.get(name, name)} ({shown_word} « {show(a)} », enregistré « {show(b)} »)"
                      for name, a, b in diffs)


@dataclass
class DataReport:
    """What the public data comparison found: ``problems`` fail it, ``pending`` are changes
    made after the latest block was sealed (the next block should hold them)."""

    #: things the node's API publishes, each compared with its latest entry
    published: int = 0
    #: things the log describes (their latest entry read and checked)
    recorded: int = 0
    problems: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)

    @property
    def events(self) -> int:
        """``published``, under the name the command's summary line reads (events, today)."""
        return self.published


def site_of(ledger_url: str) -> str | None:
    """The site serving a node's log at ``…/ledger`` (a mirror or an archive has none)."""
    url = ledger_url.rstrip("/")
    if not url.endswith("/ledger") or "/ledger/mirrors/" in url or "/ledger/archives/" in url:
        return None
    return url[: -len("/ledger")]


def latest_entries(entries: list[bytes], kinds) -> dict[str, tuple[int, dict]]:
    """``subject → (index, leaf)`` of the latest entry of ``kinds`` about each subject."""
    latest = {}
    for index, data in enumerate(entries):
        try:
            leaf = json.loads(data)
        except ValueError as exc:
            raise AuditError(f"entrée n° {index} : la feuille n’est pas du JSON") from exc
        if isinstance(leaf, dict) and leaf.get("kind") in kinds:
            latest[leaf.get("subject")] = (index, leaf)
    return latest


def recorded_subjects(ledger_url: str, entries: list[bytes],
                      timeout: float = 30.0) -> dict[str, tuple[int, dict, dict]]:
    """``subject → (index, leaf, record)`` of the latest entry describing each registered thing
    (``subjects``), each record read from the node and checked against the SHA-256 its verified
    entry holds."""
    latest = latest_entries(entries, {kind for what in subjects.registered() for kind in what.kinds})
    wanted = {}
    for subject, (index, leaf) in latest.items():
        wanted.setdefault(index // merkle.TILE_WIDTH, []).append((subject, index, leaf))
    out = {}
    for number in sorted(wanted):
        url = f"{ledger_url.rstrip('/')}/records/{number}.json"
        page = read_json(fetch(url, MAX_RECORDS_PAGE, timeout), url)
        records = page.get("records") if isinstance(page, dict) else None
        if not isinstance(records, list) or page.get("first") != number * merkle.TILE_WIDTH \
                or not all(isinstance(r, str) for r in records):
            raise AuditError(f"{url} : attendu un objet {{« first » : {number * merkle.TILE_WIDTH}, "
                             "« records » : liste de textes}")
        for subject, index, leaf in wanted[number]:
            offset = index - number * merkle.TILE_WIDTH
            if offset >= len(records):
                raise AuditError(f"{url} : l’enregistrement de l’entrée n° {index} manque")
            text = records[offset]
            if hashlib.sha256(text.encode()).hexdigest() != leaf.get("sha256"):
                raise AuditError(f"entrée n° {index} ({subject}) : l’enregistrement servi par le nœud "
                                 "n’a pas le SHA-256 que l’entrée a scellé")
            try:
                record = json.loads(text)
            except ValueError as exc:
                raise AuditError(f"entrée n° {index} ({subject}) : "
                                 "l’enregistrement n’est pas du JSON") from exc
            out[subject] = (index, leaf, record)
    return out


def _recent(updated_at: str | None, since: str | None, now: datetime, grace: timedelta) -> bool:
    """Changed (at ``updated_at``) after the entry ``since`` was recorded, and lately enough that
    the log may not hold the change yet."""
    try:
        updated = datetime.fromisoformat(updated_at).replace(microsecond=0)
        if since is not None and updated <= datetime.fromisoformat(since):
            return False
        return now - updated < grace
    except (TypeError, ValueError):  # no date, or one without its offset
        return False


def check_public_data(ledger_url: str, entries: list[bytes], *, site: str | None = None,
                      timeout: float = 30.0, grace: timedelta = DEFAULT_GRACE,
                      now: datetime | None = None) -> DataReport:
    """Compare what the node at ``site`` publishes (its API) with the latest recorded entry of
    every registered thing: each difference is named (subject, field, published value, recorded
    value), as are things published but never recorded and things recorded as public but
    missing."""
    site = (site or site_of(ledger_url) or "").rstrip("/")
    now = now or datetime.now(UTC)
    recorded = recorded_subjects(ledger_url, entries, timeout)
    report = DataReport(recorded=len(recorded))
    for what in subjects.registered():
        mine = {subject: found for subject, found in recorded.items() if found[1].get("kind") in what.kinds}
        seen = set()
        for item in what.published(site, [r for _i, _l, r in mine.values()], timeout):
            report.published += 1
            shown = item.record
            subject = what.subject_of(shown)
            seen.add(subject)
            name = f"{subject} (« {show(what.title(shown), 80)} »)"
            if subject not in mine:
                line = f"{name} : publié mais jamais enregistré au registre"
                (report.pending if _recent(item.updated_at, None, now, grace)
                 else report.problems).append(line)
                continue
            index, leaf, record = mine[subject]
            diffs = differences(shown, record, what.fields)
            if diffs:
                line = f"{name}, entrée n° {index} : {describe(diffs, 'publié', what.fields)}"
                since = leaf.get("time", "").replace("Z", "+00:00") or None
                (report.pending if _recent(item.updated_at, since, now, grace)
                 else report.problems).append(line)
        for subject, (index, _leaf, record) in sorted(mine.items(), key=lambda item: item[1][0]):
            if subject not in seen and what.is_public(record):
                title = show(what.title(record), 80)
                report.problems.append(f"{subject} (« {title} »), entrée n° {index} : "
                                       "enregistré comme publié mais absent des données publiques")
    return report

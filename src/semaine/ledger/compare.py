"""What a node publishes against what its log recorded: field by field, named in French.

The log's entries hold the SHA-256 of each event's public record (``records.event_record``);
the node serves those records beside the log (``/ledger/records/<n>.json``) and the events
themselves through its public API. ``check_public_data`` reads both over HTTP, checks each
record against the hash its (verified) entry holds, then compares the latest record of every
event with what the API publishes of it. No Django here: a third party runs it against any node.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from . import merkle
from .audit import MAX_API_PAGE, MAX_RECORDS_PAGE, AuditError, fetch, read_json

#: the entries that describe an event itself (its latest one is what visitors must see)
EVENT_KINDS = ("event.published", "event.changed", "event.cancelled")

#: an event record's fields, in the order they are reported, with their French names
FIELDS = {
    "title": "titre", "summary": "résumé", "description": "description", "status": "statut",
    "slots": "créneaux", "venue": "lieu", "attendance_mode": "mode de participation",
    "online_url": "lien de participation en ligne", "organisation": "organisateur",
    "co_organisers": "co-organisateurs", "programme": "programme", "track": "parcours",
    "formats": "formats", "themes": "thèmes", "audiences": "publics", "age": "âge",
    "accessibility": "accessibilité", "languages": "langues", "registration": "inscription",
    "edition": "édition", "state": "état", "id": "identifiant",
}
#: the API's pages: 200 events each, at most this many pages per edition
MAX_API_PAGES = 5_000
#: how long after a change the log may not hold it yet (a block is sealed every minute or so)
DEFAULT_GRACE = timedelta(minutes=10)


def show(value, limit: int = 160) -> str:
    """A value as the report quotes it: text as is, anything else as compact JSON, cut short."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                           separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def differences(shown: dict, recorded: dict, fields=None) -> list[tuple[str, object, object]]:
    """``(field, shown value, recorded value)`` for every field of ``fields`` (all of ``FIELDS``
    by default) where the two differ; a field absent from ``shown`` counts as ``None``."""
    out = []
    for name in fields or FIELDS:
        if shown.get(name) != recorded.get(name):
            out.append((name, shown.get(name), recorded.get(name)))
    return out


def describe(diffs, shown_word: str = "publié") -> str:
    """``titre (publié « X », enregistré « Y ») ; …``"""
    return " ; ".join(f"{FIELDS.get(name, name)} ({shown_word} « {show(a)} », enregistré « {show(b)} »)"
                      for name, a, b in diffs)


def _utc(text: str | None) -> str | None:
    if text is None:
        return None
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _coordinate(value):
    return None if value is None else round(value, 6)


def api_event_record(event: dict) -> dict:
    """An event of the public API (``/api/editions/<slug>/events``) in the shape of the record
    the log holds of it (``records.event_record``)."""
    venue = event.get("venue")
    return {
        "id": event["id"],
        "edition": event["edition"],
        "organisation": event["organisation"]["slug"],
        "co_organisers": sorted(o["slug"] for o in event["co_organisers"]),
        "programme": event["programme"],
        "track": event["track"],
        "title": event["title"],
        "summary": event["summary"],
        "description": event["description"],
        "formats": sorted(event["formats"]),
        "themes": sorted(event["themes"]),
        "audiences": sorted(event["audiences"]),
        "age": [event["age_min"], event["age_max"]],
        "attendance_mode": event["attendance_mode"],
        "online_url": event["online_url"],
        "venue": None if venue is None else {
            "name": venue["name"], "address": venue["address"], "postcode": venue["postcode"],
            "commune": venue["commune"], "latitude": _coordinate(venue["latitude"]),
            "longitude": _coordinate(venue["longitude"]),
        },
        "accessibility": sorted(f"access_{name}" for name in event["accessibility"]),
        "languages": sorted(event["languages"]),
        "registration": {"mode": event["registration_mode"], "url": event["registration_url"],
                         "capacity": event["capacity"]},
        "state": "published",  # the API serves published events only
        "status": event["status"],
        "slots": [{"start": _utc(s["starts_at"]), "end": _utc(s["ends_at"]), "capacity": s["capacity"],
                   "cancelled": s["cancelled_at"] is not None} for s in event["slots"]],
    }


@dataclass
class DataReport:
    """What the public data comparison found: ``problems`` fail it, ``pending`` are changes
    made after the latest block was sealed (the next block should hold them)."""

    events: int = 0
    recorded: int = 0
    problems: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


def site_of(ledger_url: str) -> str | None:
    """The site serving a node's log at ``…/ledger`` (a mirror or an archive has none)."""
    url = ledger_url.rstrip("/")
    if not url.endswith("/ledger") or "/ledger/mirrors/" in url or "/ledger/archives/" in url:
        return None
    return url[: -len("/ledger")]


def latest_event_entries(entries: list[bytes]) -> dict[str, tuple[int, dict]]:
    """``subject → (index, leaf)`` of the latest entry describing each event."""
    latest = {}
    for index, data in enumerate(entries):
        try:
            leaf = json.loads(data)
        except ValueError as exc:
            raise AuditError(f"entrée n° {index} : la feuille n’est pas du JSON") from exc
        if isinstance(leaf, dict) and leaf.get("kind") in EVENT_KINDS:
            latest[leaf.get("subject")] = (index, leaf)
    return latest


def recorded_events(ledger_url: str, entries: list[bytes],
                    timeout: float = 30.0) -> dict[str, tuple[int, dict, dict]]:
    """``subject → (index, leaf, record)`` of the latest entry about each event, each record
    read from the node and checked against the SHA-256 its verified entry holds."""
    latest = latest_event_entries(entries)
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


def published_events(site: str, editions: set[str], timeout: float = 30.0):
    """Every event the node's public API publishes in ``editions`` (and in the editions it lists),
    page by page along its cursor."""
    url = f"{site}/api/editions"
    listed = read_json(fetch(url, MAX_API_PAGE, timeout), url)
    if not isinstance(listed, list) or not all(isinstance(e, dict) and isinstance(e.get("slug"), str)
                                               for e in listed):
        raise AuditError(f"{url} : attendu une liste d’éditions")
    for slug in sorted(editions | {e["slug"] for e in listed}):
        cursor = None
        for _page in range(MAX_API_PAGES):
            query = {"limit": 200, **({"cursor": cursor} if cursor else {})}
            url = f"{site}/api/editions/{urllib.parse.quote(slug)}/events?{urllib.parse.urlencode(query)}"
            page = read_json(fetch(url, MAX_API_PAGE, timeout), url)
            items = page.get("items") if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise AuditError(f"{url} : attendu un objet avec « items » et « next_cursor »")
            yield from items
            cursor = page.get("next_cursor")
            if not cursor:
                break
        else:
            raise AuditError(f"{site}/api/editions/{slug}/events : plus de {MAX_API_PAGES} pages")


def _recent(event: dict, since: str | None, now: datetime, grace: timedelta) -> bool:
    """Changed after the entry ``since`` was recorded, and lately enough that the log may not
    hold the change yet."""
    try:
        updated = datetime.fromisoformat(event["updated_at"]).replace(microsecond=0)
        if since is not None and updated <= datetime.fromisoformat(since):
            return False
        return now - updated < grace
    except (KeyError, TypeError, ValueError):  # no date, or one without its offset
        return False


def check_public_data(ledger_url: str, entries: list[bytes], *, site: str | None = None,
                      timeout: float = 30.0, grace: timedelta = DEFAULT_GRACE,
                      now: datetime | None = None) -> DataReport:
    """Compare what the node at ``site`` publishes (its API) with the latest recorded entry of
    every event: each difference is named (event, field, published value, recorded value), as
    are events published but never recorded and events recorded as published but missing."""
    site = (site or site_of(ledger_url) or "").rstrip("/")
    now = now or datetime.now(UTC)
    recorded = recorded_events(ledger_url, entries, timeout)
    report = DataReport(recorded=len(recorded))
    editions = {r["edition"] for _i, _l, r in recorded.values() if isinstance(r.get("edition"), str)}
    seen = set()
    for event in published_events(site, editions, timeout):
        report.events += 1
        try:
            shown = api_event_record(event)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise AuditError(f"{site}/api : un événement publié n’a pas la forme attendue "
                             f"(champ {exc})") from exc
        subject = f"event:{shown['id']}"
        seen.add(subject)
        name = f"{subject} (« {show(shown['title'], 80)} »)"
        if subject not in recorded:
            line = f"{name} : publié mais jamais enregistré au registre"
            (report.pending if _recent(event, None, now, grace) else report.problems).append(line)
            continue
        index, leaf, record = recorded[subject]
        diffs = differences(shown, record)
        if diffs:
            line = f"{name}, entrée n° {index} : {describe(diffs)}"
            (report.pending if _recent(event, leaf.get("time", "").replace("Z", "+00:00") or None,
                                       now, grace) else report.problems).append(line)
    for subject, (index, _leaf, record) in sorted(recorded.items(), key=lambda item: item[1][0]):
        if subject not in seen and record.get("state") == "published":
            title = show(record.get("title", ""), 80)
            report.problems.append(f"{subject} (« {title} »), entrée n° {index} : "
                                   "enregistré comme publié mais absent des données publiques")
    return report

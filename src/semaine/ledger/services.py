"""Writes on the public ledger: record a fact, seal a block, ask the witnesses to cosign.

``record()`` is called by every app inside the transaction of the decision it records, so a
decision and its entry are committed, or rolled back, together. ``seal()`` runs in the background
every ``LEDGER_INTERVAL`` seconds (``semaine worker``): it gives the waiting entries their place in
the tree, extends the tiles and signs a checkpoint, in one transaction under a lock on the single
``LedgerState`` row, so two sealers never fork the log and a sealer killed half-way leaves nothing.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import math
import os
import re
import secrets
import threading
import urllib.error
import urllib.request
from datetime import UTC
from functools import lru_cache

import psycopg
import rfc8785
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from semaine.core.cache import content_changed

from . import audit, merkle, subjects
from .models import Block, Commitment, Entry, LedgerArchive, LedgerState, Tile, WitnessState
from .note import (
    Checkpoint,
    Note,
    NoteError,
    Signer,
    Verifier,
    load_or_create_signer,
    parse_note,
    parse_signature_lines,
    sign_note,
    sync_directory,
    verify_cosignature,
)

logger = logging.getLogger(__name__)

#: A leaf of a C2SP entry bundle is at most 65,535 bytes (two-byte length prefix).
MAX_ENTRY_SIZE = 0xFFFF
#: Entries sealed in one block at most; more waiting entries go into the next blocks at once.
MAX_BLOCK = 100_000
_key_lock = threading.Lock()


class LedgerError(Exception):
    pass


#: json's C encoder set up as RFC 8785 writes: keys sorted, no spaces, UTF-8 left as is
_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":"))
_SAFE_INT = 2**53 - 1


def _plain(value) -> bool:
    """True if json's C encoder writes ``value`` byte for byte as RFC 8785 (``rfc8785``) does.

    For these exact types both escape strings alike (``"``, ``\\``, the short escapes, ``\\u00xx``
    in lower case for the other controls, everything else as is) and write ``null``, ``true``,
    ``false``, integers, lists and objects alike. They differ only where this returns False:
    integers beyond 2**53 - 1 (rejected by RFC 8785), floats that Python writes with an exponent
    or a trailing ``.0`` (``1e-07``, ``100.0``, ``-0.0``; any other float is the same shortest
    decimal in both), keys holding characters beyond U+FFFF (RFC 8785 orders keys by UTF-16 code
    units, Python by code points: the two orders agree on the BMP), non-string keys (which json
    would turn into strings) and any other type (subclasses included).
    """
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not (key.isascii() or max(key) <= "\uffff") or not _plain(item):
                return False
        return True
    if kind is list or kind is tuple:
        return all(map(_plain, value))
    if kind is int:
        return -_SAFE_INT <= value <= _SAFE_INT
    if kind is float:
        text = repr(value)
        return math.isfinite(value) and "e" not in text and not text.endswith(".0")
    return False


def canonical(value) -> bytes:
    """RFC 8785 JSON Canonicalization Scheme, as ``rfc8785.dumps`` writes it.

    Values that json's C encoder writes identically (``_plain``: what records are made of) take
    that way, ten times faster; anything else, and every error (a lone surrogate, a cycle), is left
    to ``rfc8785``.
    """
    try:
        if _plain(value):
            return _JSON.encode(value).encode()
    except (ValueError, TypeError, RecursionError):
        pass
    return rfc8785.dumps(value)


def utc_time(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record(kind: str, subject: str, public_payload: dict) -> Entry:
    """Append one fact to the log, in the caller's transaction (it is sealed later).

    ``public_payload`` must hold public facts only; a fact about a person goes in as a
    ``commitment()``.
    """
    now = timezone.now()
    (row,) = _rows([(kind, subject, public_payload)], utc_time(now))
    (pk,) = _insert([row], now)
    return Entry(id=pk, kind=kind, subject=subject, data=row[2], record=row[3], recorded_at=now)


def record_many(facts) -> list[int]:
    """Append several facts ``(kind, subject, public_payload)`` in the caller's transaction,
    in one statement: what a decision touching many events, or a job closing many slots,
    records at once. Returns the new entries' ids, in the order of ``facts``."""
    now = timezone.now()
    return _insert(_rows(facts, utc_time(now)), now)


def _rows(facts, time: str) -> list[tuple[str, str, bytes, str]]:
    """``(kind, subject, data, record)`` of each fact: ``data`` is the log's leaf, the RFC 8785
    form of ``{"kind", "subject", "time", "sha256"}``, ``sha256`` that of the record."""
    if not connection.in_atomic_block:
        raise LedgerError("record() runs inside the transaction of the decision it records")
    sha256 = hashlib.sha256
    rows = []
    for kind, subject, public_payload in facts:
        body = canonical(public_payload)
        data = canonical({"kind": kind, "subject": subject, "time": time,
                          "sha256": sha256(body).hexdigest()})
        if len(data) > MAX_ENTRY_SIZE:
            raise LedgerError("a ledger entry is at most 65,535 bytes")
        rows.append((kind, subject, data, body.decode()))
    return rows


INSERT_ENTRIES_SQL = (
    "INSERT INTO ledger_entry (kind, subject, data, record, recorded_at) "
    "SELECT k, s, d, r, %s FROM unnest(%b::varchar[], %b::varchar[], %b::bytea[], %b::text[]) "
    "AS u(k, s, d, r) RETURNING id"
)


def _insert(rows: list[tuple[str, str, bytes, str]], now) -> list[int]:
    """One INSERT of ``rows`` in the current transaction; their ids, in order."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        # one statement whatever the number of rows (the same text, prepared once per connection);
        # the arrays go in binary (%b: no quoting of the JSON they hold; psycopg's client-side
        # cursors, SEMAINE_DB_SERVER_SIDE_BINDING=0, take %b too); ids are drawn from the
        # sequence in the order of the arrays
        with connection.cursor() as cursor:
            cursor.execute(INSERT_ENTRIES_SQL, [now, *map(list, zip(*rows, strict=True))])
            return [pk for (pk,) in cursor.fetchall()]
    entries = [Entry(kind=kind, subject=subject, data=data, record=body, recorded_at=now)
               for kind, subject, data, body in rows]
    return [entry.pk for entry in Entry.objects.bulk_create(entries, batch_size=1000)]


def commitment(value: str) -> str:
    """A salted SHA-256 of a personal fact; ``erase_commitment`` forgets the salt for good."""
    salt = secrets.token_bytes(32)
    digest = hashlib.sha256(salt + value.encode()).hexdigest()
    Commitment.objects.create(digest=digest, salt=salt)
    return digest


def opens(digest: str, value: str) -> bool:
    """True while the salt is kept and ``value`` is what ``digest`` commits to."""
    found = Commitment.objects.filter(digest=digest).exclude(salt=None).first()
    return bool(found) and hashlib.sha256(bytes(found.salt) + value.encode()).hexdigest() == digest


def erase_commitment(digest: str) -> None:
    Commitment.objects.filter(digest=digest).update(salt=None)


# --- keys --------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _load_signer(configured: str, path: str, origin: str, stamp=None) -> Signer:
    """The signing key; ``stamp`` (the key file's inode and modification time) makes a process
    read the file again once another process has replaced it (``semaine ledger rotate``)."""
    if configured:
        return Signer.parse(configured)
    with _key_lock:
        return load_or_create_signer(path, origin)


def signer() -> Signer:
    path = str(settings.LEDGER_KEY_FILE)
    stamp = None
    if not settings.LEDGER_KEY:
        try:
            info = os.stat(path)
            stamp = (info.st_ino, info.st_mtime_ns)
        except FileNotFoundError:
            pass
    return _load_signer(settings.LEDGER_KEY, path, settings.LEDGER_ORIGIN, stamp)


def verifier() -> Verifier:
    return signer().verifier


# --- sealing -----------------------------------------------------------------------------------


FETCH_TILES_SQL = (
    "SELECT t.level, t.number, t.data FROM ledger_tile t "
    "JOIN unnest(%s::int2[], %s::int8[]) AS k(l, n) ON t.level = k.l AND t.number = k.n"
)


def fetch_tiles(keys: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored tiles among ``keys`` (one query)."""
    if not keys:
        return {}
    if connection.vendor == "postgresql":
        # A server-side prepared statement (Django's cursors bind on the client and cannot
        # prepare): a proof's one query is then executed without being parsed and planned again;
        # binary results: the tiles come as they are stored, not in hex.
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(FETCH_TILES_SQL, [[k[0] for k in keys], [k[1] for k in keys]], prepare=True,
                           binary=True)
            return {(level, number): bytes(data) for level, number, data in cursor.fetchall()}
    query = Q()
    for level, number in keys:
        query |= Q(level=level, number=number)
    return {(t.level, t.number): bytes(t.data) for t in Tile.objects.filter(query)}


def _state_for_update() -> LedgerState:
    LedgerState.objects.get_or_create(pk=1)
    state = LedgerState.objects.select_for_update().get(pk=1)
    origin, key = settings.LEDGER_ORIGIN, str(verifier())
    if not state.origin:
        state.origin, state.key = origin, key
    elif state.origin != origin:
        raise ImproperlyConfigured(
            f"The ledger was started with origin {state.origin!r}; its entries cannot move to {origin!r}. "
            "To start a new log under the new origin, run `semaine ledger rotate`."
        )
    elif state.key != key:
        raise ImproperlyConfigured(
            "The ledger's key changed: a new key starts a new log under a new origin "
            "(set SEMAINE_LEDGER_ORIGIN, then run `semaine ledger rotate`)."
        )
    return state


def _assign_indexes(ids: list[int], first: int) -> None:
    indexes = list(range(first, first + len(ids)))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE ledger_entry AS e SET index = s.n "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS s(id, n) WHERE e.id = s.id AND e.index IS NULL",
                [ids, indexes],
            )
        else:
            cursor.executemany(
                'UPDATE ledger_entry SET "index" = %s WHERE id = %s', list(zip(indexes, ids, strict=True))
            )


def _save_tiles(changed: dict[tuple[int, int], bytes]) -> None:
    Tile.objects.bulk_create(
        [Tile(level=level, number=number, data=data) for (level, number), data in changed.items()],
        update_conflicts=True, unique_fields=["level", "number"], update_fields=["data"],
    )


def backfill() -> int:
    """Record every thing the domains registered (``subjects``) that the log does not hold yet:
    the log covers the whole programme from the day the ledger is switched on."""
    count = 0
    for what in subjects.registered():
        if not what.backfill_kind:
            continue  # facts at one moment (counts when a slot closes): nothing to backfill
        known = set(Entry.objects.filter(kind__in=what.kinds).values_list("subject", flat=True))
        facts = []
        for obj in what.backfill():
            subject = what.subject(obj)
            if subject not in known:
                facts.append((what.backfill_kind, subject, what.record(obj)))
            if len(facts) == 500:
                count += len(record_many(facts))
                facts = []
        count += len(record_many(facts))
    return count


def seal(limit: int = MAX_BLOCK) -> Block | None:
    """Seal the entries appended since the last block into a new block, if there are any."""
    with transaction.atomic():
        state = _state_for_update()
        if not state.backfilled:
            backfill()
            state.backfilled = True
            state.save(update_fields=["backfilled", "origin", "key"])
        pending = list(
            Entry.objects.filter(index__isnull=True).order_by("id").values_list("id", "data")[:limit]
        )
        if not pending:
            return None
        last = Block.objects.order_by("-number").values_list("number", "size").first() or (0, 0)
        size = last[1]
        builder = merkle.TileBuilder.from_reader(size, fetch_tiles)
        sha256 = hashlib.sha256
        changed = builder.extend([sha256(b"\x00" + bytes(data)).digest() for _, data in pending])
        root = builder.root()
        _assign_indexes([pk for pk, _ in pending], size)
        _save_tiles(changed)
        note = sign_note(Checkpoint(state.origin, builder.size, root).text(), signer())
        block = Block.objects.create(
            number=last[0] + 1, sealed_at=timezone.now(), first_index=size, size=builder.size,
            root=root, checkpoint=str(note),
        )
        state.save(update_fields=["origin", "key"])
        content_changed()  # event pages name the block that holds them (bumped on commit)
    return block


def seal_all(limit: int = MAX_BLOCK) -> list[Block]:
    """Seal what waits now, in blocks of at most ``limit`` entries (entries arriving meanwhile wait
    for the next interval, so a steady stream of writes never keeps the sealer busy forever)."""
    blocks = []
    while (block := seal(limit)) is not None:
        blocks.append(block)
        if block.count < limit:
            break
    return blocks


# --- witnesses ---------------------------------------------------------------------------------


def _witnesses() -> list[tuple[str, Verifier]]:
    out = []
    for item in settings.LEDGER_WITNESSES:
        if len(item) != 2:
            raise ImproperlyConfigured("SEMAINE_LEDGER_WITNESSES: write 'URL KEY' pairs separated by commas")
        out.append((item[0].rstrip("/"), Verifier.parse(item[1])))
    return out


def _add_checkpoint(url: str, old: int, proof: list[bytes], note: str, timeout: float) -> tuple[int, bytes]:
    body = f"old {old}\n" + "".join(base64.b64encode(p).decode() + "\n" for p in proof) + "\n" + note
    request = urllib.request.Request(  # noqa: S310 - URLs come from the settings
        f"{url}/add-checkpoint", data=body.encode(), method="POST",
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read(1 << 16)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(1 << 16)


def cosign_block(block: Block, timeout: float = 10.0) -> list[str]:
    """Ask every witness to cosign ``block``'s checkpoint; keep the cosignatures that verify.

    Returns the names of the witnesses that cosigned. A witness that is down or refuses is noted
    (``WitnessState.last_error``) and asked again with the next block.
    """
    from . import queries  # queries.py reads tiles through this module: a cycle

    note_text = block.checkpoint
    checkpoint_text = note_text.split("\n\n")[0] + "\n"
    signed: list = []
    names = []
    for url, witness_key in _witnesses():
        state, _ = WitnessState.objects.get_or_create(url=url)
        old = min(state.size, block.size)
        error = ""
        for _attempt in range(2):
            proof = queries.consistency_proof(old, block.size)
            try:
                status, body = _add_checkpoint(url, old, proof, note_text, timeout)
            except OSError as exc:
                status, body = 0, str(exc).encode()
            if status == 409 and body.strip().isdigit() and int(body.strip()) <= block.size:
                old = int(body.strip())  # the witness saw another size last: prove from there
                continue
            break
        if status == 200:
            try:
                lines = parse_signature_lines(body.decode())
                if not lines:
                    raise NoteError("no cosignature in the answer")
                for sig in lines:
                    verify_cosignature(checkpoint_text, sig, witness_key)
                signed.extend(lines)
                state.size = block.size
                names.append(witness_key.name)
            except (NoteError, UnicodeDecodeError) as exc:
                error = f"invalid cosignature: {exc}"
        else:
            error = f"HTTP {status}: {body[:300].decode(errors='replace')}"
        state.last_error = error
        state.save()
        if error:
            logger.warning("witness %s: %s", url, error)
    if signed:
        note: Note = parse_note(note_text).with_signatures(signed)
        Block.objects.filter(pk=block.pk).update(cosigned=str(note))
    return names


def seal_and_cosign() -> list[Block]:
    blocks = seal_all()
    if blocks and settings.LEDGER_WITNESSES:
        cosign_block(blocks[-1])
    return blocks


# --- key rotation ------------------------------------------------------------------------------


def folder_name(text: str) -> str:
    """A log's origin or address as one folder name, as the mirror and archive views accept it
    (``semaine.example/ledger`` → ``semaine.example_ledger``; never ``.`` or ``..``)."""
    name = re.sub(r"[^A-Za-z0-9.-]+", "_", text).strip("_.")[:200]
    return name or "log"


def archives_dir() -> str:
    return os.path.join(settings.DATA_DIR, "ledger", "archives")


def _new_key(origin: str) -> tuple[Signer, str | None]:
    """The new log's key: the configured one, or a new key written beside the key file (moved in
    place once the rotation is committed). Returns the signer and that file, if any."""
    if settings.LEDGER_KEY:
        return signer(), None
    path = f"{settings.LEDGER_KEY_FILE}.{os.getpid()}.new"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # left by a rotation that did not finish: a new key, never that one
    return load_or_create_signer(path, origin), path


def _install_key(new_path: str) -> None:
    """After commit: the old key file is kept aside (never served), the new one takes its place."""
    path = str(settings.LEDGER_KEY_FILE)
    if os.path.exists(path):
        os.replace(path, f"{path}.retired-{timezone.now():%Y%m%dT%H%M%S}")
    os.replace(new_path, path)
    sync_directory(os.path.dirname(os.path.abspath(path)))


def rotate() -> LedgerArchive:
    """Start a new log: a new key signs a new origin (``SEMAINE_LEDGER_ORIGIN``), never the old one.

    The old log is frozen and written out, verified, as a static copy served under
    ``/ledger/archives/<name>/`` (with the public records of its entries); the tables then hold
    the new log, which records the whole published programme again (the backfill) and seals its
    first block. Entries still waiting go into the new log. Witnesses start again from size 0.

    The new origin and key are set in the same transaction that empties the tables: a sealer
    still configured with the old origin, or still holding the old key, is refused by
    ``_state_for_update`` rather than sealing anything.
    """
    new_origin = settings.LEDGER_ORIGIN
    new_path = None
    try:
        with transaction.atomic():
            LedgerState.objects.get_or_create(pk=1)
            state = LedgerState.objects.select_for_update().get(pk=1)
            if not state.origin or not Block.objects.exists():
                raise LedgerError("Le registre n'a encore rien scellé : il n'y a rien à archiver.")
            if state.origin == new_origin or LedgerArchive.objects.filter(origin=new_origin).exists():
                raise LedgerError(
                    "Une nouvelle clé ouvre un nouveau registre : choisissez d'abord une origine "
                    f"jamais utilisée (SEMAINE_LEDGER_ORIGIN, aujourd'hui {state.origin!r})."
                )
            name = folder_name(state.origin)
            if LedgerArchive.objects.filter(name=name).exists():
                raise LedgerError(f"Une archive nommée {name!r} existe déjà.")
            new, new_path = _new_key(new_origin)
            if str(new.verifier) == state.key:
                raise LedgerError("SEMAINE_LEDGER_KEY est encore la clé de l'ancien registre.")
            history = [cosigned or checkpoint for checkpoint, cosigned in
                       Block.objects.order_by("number").values_list("checkpoint", "cosigned")]
            rows = list(Entry.objects.exclude(index=None).order_by("index")
                        .values_list("index", "kind", "subject", "recorded_at", "data", "record"))
            into = os.path.join(archives_dir(), name)
            audit.write_log(into, [bytes(row[4]) for row in rows], history, state.key, history[-1])
            lines = [json.dumps({"index": index, "kind": kind, "subject": subject,
                                 "recorded_at": utc_time(at), "record": record}, ensure_ascii=False)
                     for index, kind, subject, at, _data, record in rows]
            audit._atomic(os.path.join(into, "records.jsonl"), ("\n".join(lines) + "\n").encode())
            report = audit.verify(audit.DirectorySource(into), Verifier.parse(state.key))
            archive = LedgerArchive.objects.create(
                name=name, origin=state.origin, key=state.key, size=report.size, root=report.root,
                checkpoint=history[-1], archived_at=timezone.now(),
            )
            Entry.objects.exclude(index=None).delete()
            Tile.objects.all().delete()
            Block.objects.all().delete()
            WitnessState.objects.update(size=0, last_error="")
            state.origin, state.key, state.backfilled = new_origin, str(new.verifier), False
            state.save()
            content_changed()
    except BaseException:
        if new_path and os.path.exists(new_path):
            os.unlink(new_path)
        raise
    if new_path:
        _install_key(new_path)
    seal_and_cosign()
    return archive

"""Verify a log and mirror it, from any source: this node's database, another node over HTTP,
or a mirror on disk. No Django here: every source offers the same five reads.

Verification rebuilds the tree from the entries themselves, checks that the tiles the source
serves are the ones the entries give, that every checkpoint is signed by the log's key and that
its root is the root of the rebuilt tree at its size (so each checkpoint is consistent with all
the earlier ones).
"""

from __future__ import annotations

import http.client
import json
import os
import struct
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Protocol

from . import merkle
from .note import MAX_NOTE_SIZE, Checkpoint, NoteError, Verifier, open_checkpoint

USER_AGENT = "semaine-ledger/1"


class AuditError(Exception):
    """The log does not verify, or cannot be read: what is wrong, in one French sentence."""


class Source(Protocol):
    def key(self) -> str: ...
    def checkpoint(self) -> str: ...
    def checkpoints(self) -> list[str]: ...
    def tile(self, level: int, number: int, width: int) -> bytes: ...
    def bundle(self, number: int, width: int) -> bytes: ...


def parse_bundle(data: bytes) -> list[bytes]:
    entries, offset = [], 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise AuditError("paquet d’entrées tronqué")
        (length,) = struct.unpack(">H", data[offset : offset + 2])
        if offset + 2 + length > len(data):
            raise AuditError("paquet d’entrées tronqué")
        entries.append(data[offset + 2 : offset + 2 + length])
        offset += 2 + length
    return entries


def make_bundle(entries: list[bytes]) -> bytes:
    return b"".join(struct.pack(">H", len(e)) + e for e in entries)


def parse_key(text: str, where: str = "la clé du registre") -> Verifier:
    """The log's verifier key, or an ``AuditError`` naming what is wrong with it."""
    try:
        return Verifier.parse(text)
    except NoteError as exc:
        raise AuditError(f"{where} n’est pas une clé de vérification valide : {exc}") from exc


#: The most a verifier reads of each file a node serves (a hostile or broken node cannot make
#: it read without end). A key line is under 200 bytes, a checkpoint a signed note (64 KiB at
#: most), a page of checkpoints.json 1,000 of them, a full tile 256 hashes, an entry bundle 256
#: entries of at most 65,535 bytes.
MAX_KEY = 4 << 10
MAX_CHECKPOINTS_PAGE = 8 << 20
MAX_BUNDLE = merkle.TILE_WIDTH * (2 + 0xFFFF)
MAX_RECORDS_PAGE = 64 << 20
MAX_API_PAGE = 32 << 20


def size_text(limit: int) -> str:
    """``limit`` bytes as a French reader writes it (``64 Kio``, ``8 Mio``)."""
    for unit, shift in (("Mio", 20), ("Kio", 10)):
        if limit >= 1 << shift:
            return f"{limit / (1 << shift):.4g} {unit}".replace(".", ",")
    return f"{limit} octets"


class HttpSource:
    """Another node (or a mirror) serving C2SP tlog-tiles under ``url`` (e.g. …/ledger).

    Every read is bounded (``timeout`` seconds, a size cap per kind of file) and every failure,
    whatever the node answers (an HTTP error, no answer, too much, malformed JSON, a wrong type),
    is an ``AuditError`` that names the address and what is wrong, in one sentence."""

    def __init__(self, url: str, timeout: float = 30.0):
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _get(self, path: str, limit: int) -> bytes:
        return fetch(f"{self.url}/{path}", limit, self.timeout)

    def _text(self, path: str, limit: int) -> str:
        data = self._get(path, limit)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AuditError(f"{self.url}/{path} : le contenu n’est pas du texte UTF-8") from exc

    def key(self) -> str:
        text = self._text("key", MAX_KEY).strip()
        parse_key(text, f"{self.url}/key")
        return text

    def checkpoint(self) -> str:
        return self._text("checkpoint", MAX_NOTE_SIZE)

    def checkpoints(self) -> list[str]:
        out, after = [], 0
        while True:
            path = f"checkpoints.json?after={after}"
            page = read_json(self._get(path, MAX_CHECKPOINTS_PAGE), f"{self.url}/{path}")
            listed = page.get("checkpoints") if isinstance(page, dict) else None
            if not isinstance(listed, list) or not all(
                isinstance(c, dict) and type(c.get("block")) is int and isinstance(c.get("checkpoint"), str)
                for c in listed
            ):
                raise AuditError(f"{self.url}/{path} : attendu un objet « checkpoints » listant des objets "
                                 "{« block » : entier, « checkpoint » : texte}")
            if not listed:
                return out
            if listed[-1]["block"] <= after:
                raise AuditError(f"{self.url}/{path} : la liste des points de contrôle n’avance pas")
            out += [c["checkpoint"] for c in listed]
            after = listed[-1]["block"]

    def tile(self, level: int, number: int, width: int) -> bytes:
        path = merkle.tile_path(level, number, width)
        data = self._get(path, width * merkle.HASH_SIZE)
        if len(data) != width * merkle.HASH_SIZE:
            raise AuditError(f"{self.url}/{path} : {len(data)} octets au lieu de {width * merkle.HASH_SIZE}")
        return data

    def bundle(self, number: int, width: int) -> bytes:
        return self._get(merkle.tile_path("entries", number, width), MAX_BUNDLE)


def fetch(url: str, limit: int, timeout: float = 30.0) -> bytes:
    """GET ``url``, at most ``limit`` bytes, or an ``AuditError`` saying why not."""
    if not url.lower().startswith(("http://", "https://")):
        raise AuditError(f"{url} : adresse invalide (attendu http://… ou https://…)")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limit:
                raise AuditError(f"{url} : la réponse fait {length} octets, plus que les "
                                 f"{size_text(limit)} admis pour ce fichier")
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise AuditError(f"{url} : le serveur répond HTTP {exc.code}") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise AuditError(f"{url} : pas de réponse en {timeout:g} s") from exc
        if isinstance(reason, ConnectionRefusedError):
            raise AuditError(f"{url} : connexion refusée") from exc
        raise AuditError(f"{url} : connexion impossible ({reason})") from exc
    except TimeoutError as exc:
        raise AuditError(f"{url} : pas de réponse en {timeout:g} s") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise AuditError(f"{url} : lecture interrompue ({exc.__class__.__name__})") from exc
    except ValueError as exc:  # a malformed address: a port that is not a number…
        raise AuditError(f"{url} : adresse invalide ({exc})") from exc
    if len(data) > limit:
        raise AuditError(f"{url} : la réponse dépasse les {size_text(limit)} admis pour ce fichier")
    return data


def read_json(data: bytes, where: str):
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise AuditError(f"{where} : le contenu n’est pas du texte UTF-8") from exc
    except RecursionError as exc:
        raise AuditError(f"{where} : JSON trop imbriqué") from exc
    except json.JSONDecodeError as exc:
        raise AuditError(f"{where} : JSON invalide (ligne {exc.lineno}, colonne {exc.colno} : "
                         f"{_JSON_ERRORS.get(exc.msg, exc.msg)})") from exc


_JSON_ERRORS = {
    "Expecting value": "valeur attendue",
    "Extra data": "données après la fin",
    "Unterminated string starting at": "texte non terminé",
    "Expecting property name enclosed in double quotes": "nom de propriété attendu",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
}


class DirectorySource:
    """A mirror on disk, in the tlog-tiles layout (what ``mirror`` writes)."""

    def __init__(self, root: str):
        self.root = root

    def _read(self, path: str) -> bytes:
        try:
            with open(os.path.join(self.root, path), "rb") as fh:
                return fh.read()
        except FileNotFoundError as exc:
            raise AuditError(f"{path} manque dans la copie") from exc

    def key(self) -> str:
        return self._read("key").decode().strip()

    def checkpoint(self) -> str:
        return self._read("checkpoint").decode()

    def checkpoints(self) -> list[str]:
        page = read_json(self._read("checkpoints.json"), "checkpoints.json")
        listed = page.get("checkpoints") if isinstance(page, dict) else None
        if not isinstance(listed, list) or not all(
                isinstance(c, dict) and isinstance(c.get("checkpoint"), str) for c in listed):
            raise AuditError("checkpoints.json : attendu un objet « checkpoints » listant des objets "
                             "{« block » : entier, « checkpoint » : texte}")
        return [c["checkpoint"] for c in listed]

    def tile(self, level: int, number: int, width: int) -> bytes:
        return self._stored(merkle.tile_path(level, number), width)

    def bundle(self, number: int, width: int) -> bytes:
        return self._stored(merkle.tile_path("entries", number), width, bundle=True)

    def _stored(self, full_path: str, width: int, bundle: bool = False) -> bytes:
        # the mirror keeps the widest version of each tile under its full name
        data = self._read(full_path)
        if bundle:
            entries = parse_bundle(data)
            if len(entries) < width:
                raise AuditError(f"{full_path} est trop court")
            return make_bundle(entries[:width])
        if len(data) < width * merkle.HASH_SIZE:
            raise AuditError(f"{full_path} est trop court")
        return data[: width * merkle.HASH_SIZE]


@dataclass
class Report:
    origin: str = ""
    size: int = 0
    root: bytes = b""
    checkpoints: int = 0
    entries: list[bytes] = field(default_factory=list, repr=False)
    #: The signed notes as the source served them (latest, then every block's).
    latest_text: str = field(default="", repr=False)
    history_texts: list[str] = field(default_factory=list, repr=False)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _open(text: str, verifier: Verifier, origin: str | None) -> Checkpoint:
    try:
        return open_checkpoint(text, verifier, origin)[0]
    except NoteError as exc:
        raise AuditError(f"point de contrôle refusé : {exc}") from exc


def verify(
    source: Source, verifier: Verifier, *, keep_entries: bool = False, check_tiles: bool = True,
    held: Source | None = None, held_size: int = 0, known: list[str] = (),
) -> Report:
    """Rebuild the whole tree from ``source``'s entries and check everything it publishes.

    With ``held``, a copy already verified up to ``held_size`` entries, the full entry bundles
    below that size are read from the copy instead of ``source``: only what the copy lacks is
    downloaded. ``source``'s checkpoints must still be the roots of those held entries followed
    by its own, which is what proves its log consistent with the copy.

    ``known`` checkpoints (those a copy kept, which the source may no longer list) are checked
    against the same tree, and join the source's in ``report.history_texts``: one per tree size,
    by size (for a size both have, the source's text, which may carry more cosignatures). Those
    larger than the source's latest checkpoint are left out, for the caller to judge."""
    first_new = (held_size // merkle.TILE_WIDTH) * merkle.TILE_WIDTH if held is not None else 0
    history_texts = source.checkpoints()
    latest_text = source.checkpoint()  # read last: a block sealed meanwhile is in neither or here
    latest = _open(latest_text, verifier, None)
    served = [_open(text, verifier, latest.origin) for text in history_texts]
    kept = [(text, c) for text in known
            if (c := _open(text, verifier, latest.origin)).size <= latest.size]
    by_size = {c.size: text for text, c in [*kept, *zip(history_texts, served, strict=True)]}
    report = Report(origin=latest.origin, size=latest.size, root=latest.root, latest_text=latest_text,
                    history_texts=[by_size[size] for size in sorted(by_size)])
    history = [c for _text, c in kept] + served
    if not history or history[-1].size != latest.size or history[-1].root != latest.root:
        history.append(latest)
    sizes = sorted({c.size for c in history})
    expected = {}
    for c in history:
        if expected.setdefault(c.size, c.root) != c.root:
            raise AuditError(f"deux racines signées différentes pour la taille {c.size} : "
                             "le registre a bifurqué")
    if sizes and sizes[-1] > latest.size:
        raise AuditError("un point de contrôle est plus grand que le dernier")
    builder = merkle.TileBuilder()
    tiles: dict[tuple[int, int], bytes] = {}
    stops = iter(sizes)
    stop = next(stops, None)
    while stop is not None and stop == 0:
        stop = next(stops, None)
    for number in range((latest.size + merkle.TILE_WIDTH - 1) // merkle.TILE_WIDTH):
        width = merkle.tile_width(0, number, latest.size)
        start = number * merkle.TILE_WIDTH
        from_copy = start < first_new
        entries = parse_bundle((held if from_copy else source).bundle(number, width))
        if len(entries) != width:
            raise AuditError(f"le paquet d’entrées {number} contient {len(entries)} entrées "
                             f"au lieu de {width}")
        if keep_entries:
            report.entries += entries
        hashes = [merkle.leaf_hash(e) for e in entries]
        if check_tiles and not from_copy:
            _check_leaf_tile(source.tile(0, number, width), hashes, number, start)
        while stop is not None and stop <= start + width:
            tiles.update(builder.extend(hashes[builder.size - start : stop - start]))
            if builder.root() != expected[stop]:
                raise AuditError(f"le point de contrôle de taille {stop} ne correspond pas aux entrées")
            report.checkpoints += 1
            stop = next(stops, None)
        tiles.update(builder.extend(hashes[builder.size - start :]))
    if builder.root() != latest.root:
        raise AuditError("la racine du dernier point de contrôle n’est pas celle des entrées")
    if check_tiles:
        _check_upper_tiles(source, tiles, first_new)
    return report


def _check_leaf_tile(tile: bytes, hashes: list[bytes], number: int, start: int) -> None:
    """The level-0 tile holds the hash of each entry of the bundle: name the entries that differ
    (an entry rewritten after it was sealed, or a tile rewritten)."""
    if tile == b"".join(hashes):
        return
    size = merkle.HASH_SIZE
    differ = [start + i for i, h in enumerate(hashes) if tile[i * size : (i + 1) * size] != h]
    if not differ:
        raise AuditError(f"la tuile 0/{number} ne contient pas les empreintes des entrées")
    named = ", ".join(f"n° {i}" for i in differ[:10])
    if len(differ) > 10:
        named += f" et {len(differ) - 10} autres"
    raise AuditError(
        f"{'entrée' if len(differ) == 1 else 'entrées'} {named} : le contenu ne correspond plus à "
        f"l’empreinte que la tuile 0/{merkle.tile_index_path(number)} a scellée "
        "(l’entrée ou la tuile a été réécrite)")


def _covers_from(level: int, number: int, first: int) -> bool:
    """Whether tile ``level/number`` covers an entry at index ``first`` or later."""
    return (number + 1) * merkle.TILE_WIDTH ** (level + 1) > first


def _check_upper_tiles(source: Source, tiles: dict[tuple[int, int], bytes], first: int = 0) -> None:
    for (level, number), data in sorted(tiles.items()):
        if not level or not _covers_from(level, number, first):
            continue
        if source.tile(level, number, len(data) // merkle.HASH_SIZE) != data:
            raise AuditError(f"la tuile {level}/{number} ne correspond pas aux tuiles du niveau inférieur")


def mirror(source: Source, into: str, key: str | None = None) -> Report:
    """Copy ``source`` into the directory ``into``, verifying every step; serve it read-only.

    The log's key is pinned on the first copy (or given as ``key``); a later copy must be signed
    by the same key and extend the tree already held (consistency), or nothing is written. A
    later copy downloads only the entry bundles and tiles the copy lacks.
    """
    os.makedirs(into, exist_ok=True)
    key_path = os.path.join(into, "key")
    pinned = None
    if os.path.exists(key_path):
        with open(key_path) as fh:
            pinned = fh.read().strip()
    key = key or pinned or source.key()
    if pinned and key != pinned:
        raise AuditError("la clé du registre diffère de celle que cette copie a retenue")
    verifier = parse_key(key)
    previous = None
    if os.path.exists(os.path.join(into, "checkpoint")):
        previous = _open(DirectorySource(into).checkpoint(), verifier, None)
    held = DirectorySource(into) if previous is not None else None
    known = _held_checkpoints(into) if previous is not None else []
    # the checkpoints already held are checked again and kept, even if the node no longer lists them
    report = verify(source, verifier, keep_entries=True, held=held,
                    held_size=previous.size if previous else 0, known=known)
    first_new = 0
    if previous is not None:
        if previous.origin != report.origin:
            raise AuditError("l’origine du registre a changé")
        if report.size < previous.size:
            raise AuditError("le registre a rétréci")
        if merkle.fold([merkle.leaf_hash(e) for e in report.entries[: previous.size]]) != previous.root:
            raise AuditError("le registre n’est pas cohérent avec la copie déjà détenue")
        first_new = (previous.size // merkle.TILE_WIDTH) * merkle.TILE_WIDTH
    # the very notes verify() checked: the node may have sealed another block meanwhile
    write_log(into, report.entries, report.history_texts, key, report.latest_text, first_new)
    return report


def _held_checkpoints(into: str) -> list[str]:
    try:
        return DirectorySource(into).checkpoints()
    except AuditError:  # a copy written before its history was: the latest checkpoint vouches
        return []


def write_log(into: str, entries: list[bytes], history: list[str], key: str, latest: str,
              first: int = 0) -> None:
    """Write a log as static files in the layout its nodes serve: entry bundles, tiles, the
    signed checkpoints, the verifier key, and the latest checkpoint last (the copy is whole once
    it is there)."""
    _write_tree(into, entries, first)
    _atomic(os.path.join(into, "checkpoints.json"), json.dumps(
        {"checkpoints": [{"block": i + 1, "checkpoint": text} for i, text in enumerate(history)]}).encode())
    _atomic(os.path.join(into, "key"), (key + "\n").encode())
    _atomic(os.path.join(into, "checkpoint"), latest.encode())


def _write_tree(into: str, entries: list[bytes], first: int = 0) -> None:
    """Write the bundles and tiles of ``entries``; those wholly below index ``first`` are
    already in the copy and never change (full tiles are immutable)."""
    builder = merkle.TileBuilder()
    tiles = builder.extend([merkle.leaf_hash(e) for e in entries])
    bundles = (len(entries) + merkle.TILE_WIDTH - 1) // merkle.TILE_WIDTH
    for number in range(first // merkle.TILE_WIDTH, bundles):
        chunk = entries[number * merkle.TILE_WIDTH : (number + 1) * merkle.TILE_WIDTH]
        _atomic(os.path.join(into, merkle.tile_path("entries", number)), make_bundle(chunk))
    for (level, number), data in tiles.items():
        if _covers_from(level, number, first):
            _atomic(os.path.join(into, merkle.tile_path(level, number)), data)


def _atomic(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)

"""Reads of the public ledger that pages, the tlog endpoints and the verifier share."""

from __future__ import annotations

import base64

from . import merkle, subjects
from .audit import make_bundle
from .models import Block, Entry
from .services import fetch_tiles


def latest_block() -> Block | None:
    return Block.objects.order_by("-number").first()


#: the tiles' inner levels, kept by this process for every proof it serves
TILES = merkle.TileCache()


def reader() -> merkle.TileHashReader:
    return merkle.TileHashReader(fetch_tiles)


def inclusion_proof(index: int, size: int, root: bytes | None = None) -> list[bytes]:
    """PATH(index, D[size]). Given the tree's ``root``, the tiles come from the process's cache
    (``TILES``) where it has them, and the proof is checked against ``root`` before it is served:
    on a mismatch (tiles of a log that is no longer in the database) the cache is emptied and the
    proof computed again from the database alone; if that one does not match either, the stored
    tiles are not the block's and no proof is served (``merkle.ProofError``)."""
    if root is None:
        return merkle.inclusion_proof(index, size, reader())
    root = bytes(root)
    for _attempt in range(2):
        read = merkle.TileHashReader(fetch_tiles, size, TILES)
        proof = merkle.inclusion_proof(index, size, read)
        if merkle.root_from_inclusion(index, size, read([(0, index)])[0], proof) == root:
            return proof
        TILES.clear()
    raise merkle.ProofError("the stored tiles do not lead to the block's root")


def consistency_proof(old: int, new: int) -> list[bytes]:
    return merkle.consistency_proof(old, new, reader())


def tile(level: int, number: int, width: int, size: int) -> bytes | None:
    """The tile's first ``width`` hashes if the tree of ``size`` leaves has them, else None."""
    if width > merkle.tile_width(level, number, size):
        return None
    data = fetch_tiles([(level, number)]).get((level, number))
    if data is None or len(data) < width * merkle.HASH_SIZE:
        return None
    return data[: width * merkle.HASH_SIZE]


def entry_bundle(number: int, width: int, size: int) -> bytes | None:
    """C2SP tlog-tiles entry bundle: each entry as a big-endian uint16 length and its bytes."""
    first = number * merkle.TILE_WIDTH
    if width > merkle.tile_width(0, number, size):
        return None
    rows = list(
        Entry.objects.filter(index__gte=first, index__lt=first + width)
        .order_by("index").values_list("data", flat=True)
    )
    if len(rows) != width:
        return None
    return make_bundle([bytes(d) for d in rows])


def records_page(number: int, size: int) -> list[str] | None:
    """The public records of the sealed entries ``256 × number`` onwards (at most 256, within the
    tree of ``size`` leaves), in order; None beyond the tree."""
    first = number * merkle.TILE_WIDTH
    if first >= size:
        return None
    last = min(first + merkle.TILE_WIDTH, size)
    records = list(Entry.objects.filter(index__gte=first, index__lt=last)
                   .order_by("index").values_list("record", flat=True))
    return records if len(records) == last - first else None


def block_of(index: int) -> Block | None:
    """The block sealing entry ``index``: the first whose tree size exceeds it (unique index on
    ``size``: one index probe, however many blocks there are)."""
    return Block.objects.filter(first_index__lte=index, size__gt=index).order_by("size").first()


def latest_entry(subject: str, kinds=None) -> Entry | None:
    entries = Entry.objects.filter(subject=subject)
    if kinds:
        entries = entries.filter(kind__in=kinds)
    return entries.order_by("-id").first()


def entry_proof(entry: Entry) -> dict | None:
    """Everything a browser needs to check ``entry`` against the latest checkpoint by itself."""
    block = latest_block()
    if entry.index is None or block is None or entry.index >= block.size:
        return None
    proof = inclusion_proof(entry.index, block.size, block.root)
    return {
        "index": entry.index,
        "kind": entry.kind,
        "subject": entry.subject,
        "entry": bytes(entry.data).decode(),
        "record": entry.record,
        "block": (block if entry.index >= block.first_index else block_of(entry.index)).number,
        "tree_size": block.size,
        "proof": [base64.b64encode(p).decode() for p in proof],
        "checkpoint": block.cosigned or block.checkpoint,
    }


def recorded_in(subject: str) -> tuple[Entry | None, Block | None]:
    """The latest entry about ``subject`` describing the thing itself (one of the kinds its domain
    registered, ``subjects``), and the block sealing it."""
    registered = subjects.of(subject)
    if registered is None or not registered.kinds:
        return None, None
    entry = latest_entry(subject, registered.kinds)
    block = block_of(entry.index) if entry is not None and entry.index is not None else None
    return entry, block

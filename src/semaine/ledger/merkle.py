"""Merkle tree hashing and proofs exactly as RFC 9162 §2.1, and the tile layout of C2SP tlog-tiles.

Pure functions with no Django import, so that anyone can read, test and reuse them alone.

Vocabulary:
- a *leaf hash* is ``SHA-256(0x00 || entry)``, a *node hash* ``SHA-256(0x01 || left || right)``;
- a *stored hash* is the hash of a complete subtree: ``(level, index)`` covers the leaves
  ``[index << level, (index + 1) << level)``;
- a *tile* ``(L, N)`` holds up to 256 consecutive stored hashes of tree level ``8 * L``, starting at
  index ``256 * N``; the levels in between are recomputed from the tile below them.

Proofs are computed from stored hashes through a ``HashReader``: a callable taking a list of
``(level, index)`` and returning their hashes in the same order. ``TileHashReader`` answers from
tiles, reading each tile once, so a proof in a tree of any size costs O(log n) hashes and a handful
of tiles.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from threading import Lock

HASH_SIZE = 32
TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256

HashReader = Callable[[Sequence[tuple[int, int]]], list[bytes]]


class ProofError(ValueError):
    """A proof does not verify, or cannot be computed for the sizes asked."""


def leaf_hash(entry: bytes) -> bytes:
    return _sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n ≥ 2), RFC 9162's k."""
    return 1 << ((n - 1).bit_length() - 1)


# --- whole trees in memory (reference functions, small trees, tests) ---------------------------


def fold(hashes: Sequence[bytes]) -> bytes:
    """The root of the tree whose leaf-level hashes are ``hashes`` (left-balanced, RFC 9162)."""
    if not hashes:
        return EMPTY_ROOT
    level = list(hashes)
    while len(level) > 1:
        paired = [
            _sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def root_of_entries(entries: Iterable[bytes]) -> bytes:
    return fold([leaf_hash(e) for e in entries])


def memory_reader(leaf_hashes: Sequence[bytes]) -> HashReader:
    """A ``HashReader`` over a list of leaf hashes held in memory (folds on demand)."""

    def read(nodes: Sequence[tuple[int, int]]) -> list[bytes]:
        return [fold(leaf_hashes[i << lvl : (i + 1) << lvl]) for lvl, i in nodes]

    return read


# --- subtree roots and proofs from stored hashes -----------------------------------------------


def _subtree_nodes(lo: int, hi: int, out: list[tuple[int, int]]) -> None:
    """Append the complete subtrees whose hashes make MTH(D[lo:hi]), left to right."""
    while hi > lo:
        size = hi - lo
        if size & (size - 1) == 0:  # a power of two: aligned in every range the proofs ask
            level = size.bit_length() - 1
            out.append((level, lo >> level))
            return
        k = _split(size)
        level = k.bit_length() - 1
        out.append((level, lo >> level))
        lo += k


def _combine(hashes: list[bytes]) -> bytes:
    """MTH of a range from its complete subtrees, left to right (each one smaller)."""
    result = hashes[-1]
    for h in reversed(hashes[:-1]):
        result = _sha256(b"\x01" + h + result).digest()
    return result


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose roots make PATH(index, D[size]), from the leaf up."""
    ranges = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return ranges


def _consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """The ranges whose roots make PROOF(old, D[new]) (RFC 9162 §2.1.4.1), in proof order."""
    ranges = []
    lo, hi, m, complete = 0, new, old, True
    while True:
        size = hi - lo
        if m == size:
            if not complete:
                ranges.append((lo, hi))
            break
        k = _split(size)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
            m -= k
            complete = False
    ranges.reverse()
    return ranges


def _roots(ranges: list[tuple[int, int]], read: HashReader) -> list[bytes]:
    per_range = []
    nodes: list[tuple[int, int]] = []
    for lo, hi in ranges:
        start = len(nodes)
        _subtree_nodes(lo, hi, nodes)
        per_range.append((start, len(nodes)))
    hashes = read(nodes) if nodes else []
    return [_combine(hashes[a:b]) for a, b in per_range]


def tree_root(size: int, read: HashReader) -> bytes:
    if size == 0:
        return EMPTY_ROOT
    return _roots([(0, size)], read)[0]


def inclusion_proof(index: int, size: int, read: HashReader) -> list[bytes]:
    if not 0 <= index < size:
        raise ProofError(f"index {index} is not in a tree of size {size}")
    return _roots(_inclusion_ranges(index, size), read)


def consistency_proof(old: int, new: int, read: HashReader) -> list[bytes]:
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from size {old} to size {new}")
    if old in (0, new):
        return []
    return _roots(_consistency_ranges(old, new), read)


# --- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ---------------------------------------------


def _check_hashes(proof: Sequence[bytes]) -> None:
    for h in proof:
        if not isinstance(h, bytes | bytearray) or len(h) != HASH_SIZE:
            raise ProofError("a proof element is not a SHA-256 hash")


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` leads to from ``leaf`` at ``index`` in a tree of ``size``."""
    _check_hashes([leaf, *proof])
    if not 0 <= index < size:
        raise ProofError(f"index {index} is not in a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> None:
    """Raise ``ProofError`` unless ``proof`` shows ``leaf`` at ``index`` under ``root``."""
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError("the inclusion proof does not lead to the root")


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> None:
    """Raise ``ProofError`` unless ``proof`` shows the tree of size ``old`` is a prefix of ``new``."""
    _check_hashes([old_root, new_root, *proof])
    if not 0 <= old <= new:
        raise ProofError(f"size {new} is smaller than size {old}")
    if old == new:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError("two different roots for one size")
        return
    if old == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if fr != old_root:
        raise ProofError("the consistency proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("the consistency proof does not lead to the new root")


# --- tiles (C2SP tlog-tiles) -------------------------------------------------------------------


def tile_index_path(n: int) -> str:
    """``1234067`` → ``x001/x234/067``: groups of three digits, all but the last prefixed by x."""
    if n < 0:
        raise ValueError("a tile index is never negative")
    digits = str(n)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


def parse_tile_index(path: str) -> int:
    """The inverse of ``tile_index_path``; ``ValueError`` for anything not in canonical form."""
    parts = path.split("/")
    if not parts or any(len(p) != 4 or p[0] != "x" or not p[1:].isdigit() for p in parts[:-1]):
        raise ValueError("malformed tile index")
    if len(parts[-1]) != 3 or not parts[-1].isdigit():
        raise ValueError("malformed tile index")
    n = int("".join(p[-3:] for p in parts))
    if tile_index_path(n) != path:
        raise ValueError("tile index not in canonical form")
    return n


def tile_path(level: int | str, n: int, width: int = TILE_WIDTH) -> str:
    """The path of a tile (``level`` may be ``"entries"``), full or partial, under the log's prefix."""
    path = f"tile/{level}/{tile_index_path(n)}"
    return path if width == TILE_WIDTH else f"{path}.p/{width}"


def tile_width(level: int, n: int, size: int) -> int:
    """How many hashes tile ``(level, n)`` holds in a tree of ``size`` leaves (0 if none yet)."""
    count = size >> (TILE_HEIGHT * level)  # stored hashes at tree level 8 * level
    return max(0, min(TILE_WIDTH, count - n * TILE_WIDTH))


def tile_levels(data: bytes) -> tuple[bytes, ...]:
    """The in-tile subtree hashes, one string per level: ``levels[k]`` holds the hashes at tree
    level ``8L + k`` end to end (``levels[0]`` is ``data``); an odd last hash goes no higher."""
    levels = [data]
    step = 2 * HASH_SIZE
    while len(data) >= step:
        data = b"".join([_sha256(b"\x01" + data[i : i + step]).digest()
                         for i in range(0, len(data) // step * step, step)])
        levels.append(data)
    return tuple(levels)


class TileCache:
    """The inner levels of tiles, kept for the process: the tiles every proof reads (the top, the
    right edge, the level-1 tiles) are then read and hashed once, most proofs read only the leaf's
    own tile.

    Keys are ``(level, n, width)``: a full tile never changes once written, and a partial tile of
    a given width never changes either (the tree grows by a wider one, another key), so an entry is
    never stale within one log. A cache outlives the log it was filled from (a key rotation empties
    the tables; a test rolls them back), so whoever serves from it checks what it serves against
    the tree's root and empties the cache on a mismatch (``queries.inclusion_proof``). The least
    recently used tiles go first once ``max_tiles`` are held (at most 16 KB of hashes each).
    """

    def __init__(self, max_tiles: int = 1024):
        self.max_tiles = max_tiles
        self._tiles: OrderedDict[tuple[int, int, int], tuple[bytes, ...]] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple[int, int, int]) -> tuple[bytes, ...] | None:
        with self._lock:
            levels = self._tiles.get(key)
            if levels is not None:
                self._tiles.move_to_end(key)
            return levels

    def put(self, key: tuple[int, int, int], levels: tuple[bytes, ...]) -> None:
        with self._lock:
            self._tiles[key] = levels
            self._tiles.move_to_end(key)
            while len(self._tiles) > self.max_tiles:
                self._tiles.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._tiles.clear()

    def __len__(self) -> int:
        return len(self._tiles)

    def __contains__(self, key: tuple[int, int, int]) -> bool:
        return key in self._tiles


class TileHashReader:
    """Answers stored hashes from tiles, fetching every tile it needs in one call.

    ``fetch`` takes a list of ``(level, n)`` tiles and returns a mapping from them to their bytes
    (a tile absent from the mapping is missing, which is an error for a hash that must exist).
    Tiles' inner levels are computed once per tile and kept while the reader lives. Given the
    ``size`` of the tree the hashes are read for, each tile is cut to its width in that tree (what
    the store holds beyond it belongs to later trees), and a shared ``cache`` (``TileCache``) is
    asked first and filled with what is fetched.
    """

    def __init__(self, fetch: Callable[[list[tuple[int, int]]], dict[tuple[int, int], bytes]],
                 size: int | None = None, cache: TileCache | None = None):
        self.fetch = fetch
        self.size = size
        self.shared = cache if size is not None else None
        self.cache: dict[tuple[int, int], tuple[bytes, ...]] = {}
        self.tiles_read = 0

    def _width(self, key: tuple[int, int]) -> int:
        return tile_width(key[0], key[1], self.size)

    def __call__(self, nodes: Sequence[tuple[int, int]]) -> list[bytes]:
        wanted = []
        shared = self.shared
        for level, index in nodes:
            key = (level // TILE_HEIGHT, (index << (level % TILE_HEIGHT)) // TILE_WIDTH)
            if key in self.cache or key in wanted:
                continue
            if shared is not None and (levels := shared.get((*key, self._width(key)))) is not None:
                self.cache[key] = levels
                continue
            wanted.append(key)
        if wanted:
            found = self.fetch(wanted)
            self.tiles_read += len(found)
            for key in wanted:
                if key not in found:
                    raise ProofError(f"tile {key} is missing")
                data = found[key]
                if self.size is not None:
                    width = self._width(key)
                    if len(data) < width * HASH_SIZE:
                        raise ProofError(f"tile {key} is shorter than the tree of size {self.size}")
                    data = data[: width * HASH_SIZE]
                levels = self.cache[key] = tile_levels(data)
                if shared is not None:
                    shared.put((*key, width), levels)
        out = []
        for level, index in nodes:
            k = level % TILE_HEIGHT
            tile = (level // TILE_HEIGHT, (index << k) // TILE_WIDTH)
            at = (index - (tile[1] * TILE_WIDTH >> k)) * HASH_SIZE
            found = self.cache[tile][k][at : at + HASH_SIZE] if k < len(self.cache[tile]) else b""
            if len(found) != HASH_SIZE:
                raise ProofError(f"tile {tile} is too short for hash {(level, index)}")
            out.append(found)
        return out


class TileBuilder:
    """Extends a tree held as tiles: the state is the rightmost, partial tile of every level.

    ``extend(leaf_hashes)`` appends leaves and returns the tiles it changed, as ``{(level, n):
    bytes}``; full tiles never change again, partial ones grow. ``root()`` is the tree head.
    """

    def __init__(self, size: int = 0, edge: dict[int, bytes] | None = None):
        #: partial tiles at the right edge, per tile level (full tiles are not kept)
        self.size = size
        self.edge = dict(edge or {})
        for level, data in self.edge.items():
            edge_tile = (size >> (TILE_HEIGHT * level)) // TILE_WIDTH
            if len(data) != tile_width(level, edge_tile, size) * HASH_SIZE:
                raise ValueError(f"the edge tile of level {level} does not match size {size}")

    @classmethod
    def from_reader(cls, size: int, fetch) -> TileBuilder:
        """Resume from stored tiles: reads the partial tile of each level."""
        keys = []
        level = 0
        while size >> (TILE_HEIGHT * level):
            width = tile_width(level, (size >> (TILE_HEIGHT * level)) // TILE_WIDTH, size)
            if width % TILE_WIDTH:
                keys.append((level, (size >> (TILE_HEIGHT * level)) // TILE_WIDTH))
            level += 1
        found = fetch(keys) if keys else {}
        edge = {}
        for key in keys:
            width = tile_width(key[0], key[1], size)
            data = found.get(key, b"")
            if len(data) < width * HASH_SIZE:
                raise ProofError(f"tile {key} is missing or too short")
            edge[key[0]] = data[: width * HASH_SIZE]
        return cls(size, edge)

    def extend(self, leaf_hashes: Sequence[bytes]) -> dict[tuple[int, int], bytes]:
        changed: dict[tuple[int, int], bytes] = {}
        new = list(leaf_hashes)
        level, count = 0, self.size  # stored hashes at tree level 8 * level before this call
        while new:
            first = count // TILE_WIDTH  # the edge tile, where the new hashes start
            joined = self.edge.get(level, b"") + b"".join(new)
            total = len(joined) // HASH_SIZE
            rising = []
            for start in range(0, total, TILE_WIDTH):
                chunk = joined[start * HASH_SIZE : (start + TILE_WIDTH) * HASH_SIZE]
                changed[(level, first + start // TILE_WIDTH)] = chunk
                if len(chunk) == TILE_WIDTH * HASH_SIZE:
                    rising.append(_fold_full(chunk))
            rest = total % TILE_WIDTH
            self.edge[level] = joined[len(joined) - rest * HASH_SIZE :] if rest else b""
            level, count, new = level + 1, count // TILE_WIDTH, rising
        self.size += len(leaf_hashes)
        self.edge = {k: v for k, v in self.edge.items() if v}
        return changed

    def root(self) -> bytes:
        return tree_root(self.size, TileHashReader(self._edge_fetch))

    def _edge_fetch(self, keys):
        out = {}
        for level, n in keys:
            data = self.edge.get(level)
            if data is not None and n == (self.size >> (TILE_HEIGHT * level)) // TILE_WIDTH:
                out[(level, n)] = data
        return out


def _fold_full(chunk: bytes) -> bytes:
    """The root of a full tile (256 hashes, a complete subtree eight levels high)."""
    step = 2 * HASH_SIZE
    while len(chunk) > HASH_SIZE:
        chunk = b"".join([_sha256(b"\x01" + chunk[i : i + step]).digest()
                          for i in range(0, len(chunk), step)])
    return chunk

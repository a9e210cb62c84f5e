"""RFC 9162 tree hashing and proofs: published vectors, an independent library, corrupted proofs."""

import base64
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymerkle import InmemoryTree

from semaine.ledger import merkle

VECTORS = Path(__file__).parent / "vectors"


def _load(name):
    return json.loads((VECTORS / name).read_text())


TREE = _load("rfc6962_tree.json")
LEAVES = [bytes.fromhex(h) for h in TREE["leaf_inputs_hex"]]
LEAF_HASHES = [merkle.leaf_hash(x) for x in LEAVES]


def _b64(value):
    return base64.b64decode(value) if value else b""


def test_roots_of_the_rfc6962_reference_tree():
    for size, root in enumerate(TREE["root_hashes_hex"]):
        assert merkle.fold(LEAF_HASHES[:size]).hex() == root
        assert merkle.root_of_entries(LEAVES[:size]).hex() == root


def test_complete_subtree_hashes_of_the_reference_tree():
    read = merkle.memory_reader(LEAF_HASHES)
    for level, hashes in enumerate(TREE["node_hashes_hex"]):
        assert [h.hex() for h in read([(level, i) for i in range(len(hashes))])] == hashes


@pytest.mark.parametrize("case", _load("merkle_inclusion.json"), ids=lambda c: f"{c['source']}")
def test_published_inclusion_vectors(case):
    index = case.get("leafIdx", case.get("leafIndex"))
    proof = [_b64(p) for p in case["proof"] or []]
    args = (index, case["treeSize"], _b64(case["leafHash"]), proof, _b64(case["root"]))
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*args)
    else:
        merkle.verify_inclusion(*args)
        # and we produce the very same proof from the leaves
        assert merkle.inclusion_proof(index, case["treeSize"], merkle.memory_reader(LEAF_HASHES)) == proof


@pytest.mark.parametrize("case", _load("merkle_consistency.json"), ids=lambda c: f"{c['source']}")
def test_published_consistency_vectors(case):
    proof = [_b64(p) for p in case["proof"] or []]
    args = (case["size1"], case["size2"], _b64(case["root1"]), _b64(case["root2"]), proof)
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*args)
    else:
        merkle.verify_consistency(*args)
        read = merkle.memory_reader(LEAF_HASHES)
        assert merkle.consistency_proof(case["size1"], case["size2"], read) == proof


def _tiles(leaf_hashes, batches):
    builder, tiles, start = merkle.TileBuilder(), {}, 0
    for size in batches:
        tiles.update(builder.extend(leaf_hashes[start : start + size]))
        start += size
        # a sealer may stop anywhere: resume from what is stored
        builder = merkle.TileBuilder.from_reader(
            builder.size, lambda keys: {k: tiles[k] for k in keys if k in tiles}
        )
    return builder, tiles


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(min_value=1, max_value=1400),
    batches=st.lists(st.integers(min_value=1, max_value=600), min_size=1, max_size=6),
    data=st.data(),
)
def test_tiles_roots_and_proofs_agree_with_an_independent_library(size, batches, data):
    entries = [os.urandom(6) for _ in range(size)]
    hashes = [merkle.leaf_hash(e) for e in entries]
    reference = InmemoryTree(algorithm="sha256")
    for e in entries:
        reference.append_entry(e)
    root = reference.get_root()
    assert merkle.fold(hashes) == root

    plan, total = [], 0
    for b in batches:
        if total < size:
            plan.append(min(b, size - total))
            total += plan[-1]
    if total < size:
        plan.append(size - total)
    builder, tiles = _tiles(hashes, plan)
    assert builder.root() == root
    read = merkle.TileHashReader(lambda keys: {k: tiles[k] for k in keys if k in tiles})
    assert merkle.tree_root(size, read) == root

    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    old = data.draw(st.integers(min_value=0, max_value=size))
    proof = merkle.inclusion_proof(index, size, read)
    merkle.verify_inclusion(index, size, hashes[index], proof, root)
    old_root = reference.get_root(old) if old else merkle.EMPTY_ROOT
    merkle.verify_consistency(old, size, old_root, root, merkle.consistency_proof(old, size, read))


def _corruptions(proof):
    for i in range(len(proof)):
        for bit in (0, 7, 255):
            changed = bytearray(proof[i])
            changed[bit // 8] ^= 1 << (bit % 8)
            yield f"bit {bit} of element {i}", proof[:i] + [bytes(changed)] + proof[i + 1 :]
    if proof:
        yield "missing last", proof[:-1]
        yield "missing first", proof[1:]
        yield "swapped", proof[::-1] if len(proof) > 1 and proof[0] != proof[-1] else proof[1:]
    yield "extra", [*proof, bytes(32)]
    yield "short element", [*proof[:-1], b"\x00" * 31] if proof else [b"\x00" * 31]


@pytest.mark.parametrize("size", [2, 3, 7, 8, 257, 1000])
def test_corrupted_inclusion_proofs_fail(size):
    hashes = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    read, root = merkle.memory_reader(hashes), merkle.fold(hashes)
    for index in {0, size // 2, size - 1}:
        proof = merkle.inclusion_proof(index, size, read)
        merkle.verify_inclusion(index, size, hashes[index], proof, root)
        for name, bad in _corruptions(proof):
            with pytest.raises(merkle.ProofError):
                merkle.verify_inclusion(index, size, hashes[index], bad, root)
                pytest.fail(name)
        # (size ± 1 may keep the proof's shape, e.g. 3 → 4 for the first leaves: RFC 9162 binds the
        # size through the root only; doubling or halving it never does)
        for wrong_index, wrong_size in [(index + 1, size), (index - 1, size), (index, size * 2),
                                        (index, size // 2)]:
            if wrong_index < 0 or (wrong_index, wrong_size) == (index, size):
                continue
            with pytest.raises(merkle.ProofError):
                merkle.verify_inclusion(wrong_index, wrong_size, hashes[index], proof, root)
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(index, size, hashes[(index + 1) % size], proof, root)


@pytest.mark.parametrize(("old", "new"), [(1, 2), (3, 7), (4, 8), (5, 257), (256, 1000), (999, 1000)])
def test_corrupted_consistency_proofs_fail(old, new):
    hashes = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(new)]
    read = merkle.memory_reader(hashes)
    old_root, new_root = merkle.fold(hashes[:old]), merkle.fold(hashes)
    proof = merkle.consistency_proof(old, new, read)
    merkle.verify_consistency(old, new, old_root, new_root, proof)
    for name, bad in _corruptions(proof):
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(old, new, old_root, new_root, bad)
            pytest.fail(name)
    # (other sizes can keep the proof's shape, e.g. 3 → 7 and 6 → 14: the roots bind the sizes)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(old, new * 2, old_root, new_root, proof)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(old, new, new_root, old_root, proof)


def test_tile_paths_follow_c2sp():
    assert merkle.tile_index_path(0) == "000"
    assert merkle.tile_index_path(67) == "067"
    assert merkle.tile_index_path(1234) == "x001/234"
    assert merkle.tile_index_path(1234067) == "x001/x234/067"
    assert merkle.tile_path(0, 1234067, 5) == "tile/0/x001/x234/067.p/5"
    assert merkle.tile_path("entries", 3) == "tile/entries/003"
    for n in (0, 7, 999, 1000, 123456789):
        assert merkle.parse_tile_index(merkle.tile_index_path(n)) == n
    for bad in ("1", "0067", "x001", "001/234", "x1/234", "x000/001", "abc", ""):
        with pytest.raises(ValueError):
            merkle.parse_tile_index(bad)


def test_tile_widths_follow_the_c2sp_example():
    # size 70000: 273 full tiles at level 0 and a partial of 112; one full and a partial of 17 at
    # level 1; a partial of 1 at level 2
    size = 70000
    assert merkle.tile_width(0, 272, size) == 256 and merkle.tile_width(0, 273, size) == 112
    assert merkle.tile_width(1, 0, size) == 256 and merkle.tile_width(1, 1, size) == 17
    assert merkle.tile_width(2, 0, size) == 1 and merkle.tile_width(3, 0, size) == 0
    hashes = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    builder, tiles = _tiles(hashes, [size])
    assert len(tiles[(0, 273)]) == 112 * 32 and len(tiles[(1, 1)]) == 17 * 32 and len(tiles[(2, 0)]) == 32
    assert builder.root() == merkle.fold(hashes)


def test_tile_levels_hold_every_complete_subtree_of_the_tile():
    hashes = [merkle.leaf_hash(i.to_bytes(2, "big")) for i in range(256)]
    for width in (1, 2, 3, 44, 255, 256):
        levels = merkle.tile_levels(b"".join(hashes[:width]))
        read = merkle.memory_reader(hashes[:width])
        for k, level in enumerate(levels):
            assert len(level) == (width >> k) * 32
            assert [level[i : i + 32] for i in range(0, len(level), 32)] == read(
                [(k, i) for i in range(width >> k)])
        assert len(levels) == width.bit_length()


def test_a_shared_tile_cache_never_serves_a_partial_tile_of_a_smaller_tree():
    """Proofs through one cache while the tree grows: each size is served the tiles of its own
    width, so every proof verifies against the root of the size it was asked for, before and
    after the growth, in whatever order the sizes are asked."""
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(70_000)]
    store: dict = {}
    builder = merkle.TileBuilder()
    cache = merkle.TileCache()
    fetched = []

    def fetch(keys):
        fetched.extend(keys)
        return {k: store[k] for k in keys if k in store}

    sizes = [300, 301, 556, 557, 65_536, 65_537, 69_999]
    for size in sizes:
        store.update(builder.extend(leaves[builder.size : size]))
        root = merkle.fold(leaves[:size])
        # the store now holds the newest (widest) tiles; older sizes are asked again too
        for asked in [s for s in sizes if s <= size]:
            asked_root = root if asked == size else merkle.fold(leaves[:asked])
            for index in {0, 255, 256, asked // 2, asked - 2, asked - 1} - {-1}:
                read = merkle.TileHashReader(fetch, asked, cache)
                proof = merkle.inclusion_proof(index, asked, read)
                merkle.verify_inclusion(index, asked, leaves[index], proof, asked_root)
                assert merkle.tree_root(asked, merkle.TileHashReader(fetch, asked, cache)) == asked_root
    # once read, tiles are not read again for proofs in the same tree
    proofs = {index: merkle.inclusion_proof(index, 69_999, merkle.TileHashReader(fetch, 69_999, cache))
              for index in range(0, 69_999, 997)}
    fetched.clear()
    for index, proof in proofs.items():
        assert merkle.inclusion_proof(index, 69_999, merkle.TileHashReader(fetch, 69_999, cache)) == proof
    assert fetched == []


def test_a_tile_cache_keeps_the_tiles_used_last_up_to_its_bound():
    cache = merkle.TileCache(max_tiles=3)
    for n in range(3):
        cache.put((0, n, 256), (bytes([n]) * 32,))
    assert cache.get((0, 0, 256)) == (b"\x00" * 32,)  # 0 is now the most recently used
    cache.put((0, 3, 256), (b"\x03" * 32,))
    assert len(cache) == 3 and cache.get((0, 1, 256)) is None
    assert cache.get((0, 0, 256)) is not None and cache.get((0, 3, 256)) is not None
    assert cache.get((0, 0, 255)) is None  # another width is another tile
    cache.clear()
    assert len(cache) == 0


def test_a_reader_refuses_a_tile_shorter_than_the_tree_it_reads():
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(300)]
    store = merkle.TileBuilder().extend(leaves)
    store[(0, 1)] = store[(0, 1)][:-32]  # the partial tile lacks the last leaf
    read = merkle.TileHashReader(lambda keys: {k: store[k] for k in keys}, 300, merkle.TileCache())
    with pytest.raises(merkle.ProofError):
        merkle.inclusion_proof(10, 300, read)

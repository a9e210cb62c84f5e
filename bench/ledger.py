"""The public ledger: durable appends, sealing, inclusion proofs at 10 M entries, verification.

Usage (PostgreSQL on 127.0.0.1, role postgres; the script creates and drops its own scratch
database ``bench_ledger`` and a temporary SEMAINE_DATA_DIR for the log's key, whatever
DATABASE_URL says):

    python bench/ledger.py

Environment (defaults in brackets):
  BENCH_WRITERS [16,50]   concurrent writers for the append runs, one connection each
  BENCH_APPENDS [3000]    rows per append run (split evenly between the writers)
  BENCH_PROCS [4]         processes for the multi-process append runs (writers split among them)
  BENCH_BATCH [10]        record() calls per transaction in the batched append runs
  BENCH_MANY [100]        facts per record_many() call (one transaction, one INSERT) in the last runs
  BENCH_MANY_APPENDS [BENCH_APPENDS]   rows per record_many() run
  BENCH_ONLY_APPENDS [0]  1: measure the appends only
  BENCH_ONLY_PROOFS [0]   1: measure the inclusion proofs only
  BENCH_KINDS [record,batched,many]   which append runs to make beside the baseline
  BENCH_SEAL_ENTRIES [1000000], BENCH_SEAL_BATCH [100000]   in-memory sealing vs raw hashlib
  BENCH_SEAL_DB [200000]  pending entries sealed end to end by ``seal_all()`` in PostgreSQL
  BENCH_PROOF_SIZE [10000000], BENCH_PROOFS [1000]   inclusion proofs served from tiles in the DB
  BENCH_REPEAT [2]        how many times each measurement runs (all runs are printed)
  BENCH_DB [bench_ledger] the scratch database's name

What each part measures, each against a baseline measured in the same run:

1. Appends. ``with transaction.atomic(): record(kind, subject, payload)`` per row (one
   transaction and one durable commit per entry: synchronous_commit and fsync as configured on
   the server), against plain ``Entry.objects.create(...)`` of rows of the same size (data and
   record precomputed by the same canonical JSON), autocommitted, one INSERT + commit each. Runs
   interleave baseline / record() / baseline / ... so drift in the machine's load hits both.
   Writers are threads of this process (one GIL), then the same writers spread over
   BENCH_PROCS forked processes; a batched variant puts BENCH_BATCH record() calls in one
   transaction (labelled as such: one commit per BENCH_BATCH entries).
2. Sealing in memory: ``hashlib.sha256(e).digest()`` over the entries (baseline) against
   ``merkle.leaf_hash`` + ``TileBuilder.extend`` in batches + ``root()`` (what ``seal()`` computes).
   Then ``services.seal_all()`` end to end over BENCH_SEAL_DB pending entries inserted by COPY.
3. Verification: ``audit.verify(reconcile.DatabaseSource(), verifier())`` over the whole sealed log,
   against reading every entry in one query and folding the tree in memory.
4. Inclusion proofs: BENCH_PROOF_SIZE random leaf hashes turned into tiles by ``TileBuilder``,
   copied into ``ledger_tile`` (binary COPY); then BENCH_PROOFS random proofs, each measured four
   ways in turn: a single-row primary-key read of one tile by the ORM (baseline);
   ``queries.inclusion_proof(index, size)`` (no root: every tile read and hashed);
   ``queries.inclusion_proof(index, size, root)`` as the entry view asks it (tiles through the
   process's cache, the proof checked against the root); and ``GET /ledger/entry/<index>.json``
   through Django's test client. A sample is verified against the root with
   ``merkle.verify_inclusion``.
"""

import math
import multiprocessing
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid

import scratch

DB = os.environ.get("BENCH_DB", "bench_ledger")


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)).replace("_", ""))


def configure(data_dir: str) -> None:
    os.environ.pop("SEMAINE_LEDGER_KEY", None)
    scratch.configure(DB, SEMAINE_DATA_DIR=data_dir)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(len(values) * p)) - 1))]


# --- 1. appends --------------------------------------------------------------------------------

#: what an event's public record looks like (records.event_record), ~900 bytes of canonical JSON
PAYLOAD = {
    "id": "", "edition": "2026", "organisation": "mediatheque-de-bourges", "co_organisers": [],
    "programme": None, "track": None, "title": "Atelier de programmation pour débutants",
    "summary": "Découvrir la programmation en créant un petit jeu, sans prérequis.",
    "description": "Un atelier de deux heures pour découvrir la programmation par le jeu. " * 4,
    "formats": ["atelier"], "themes": ["numerique", "jeunesse"], "audiences": ["tout-public"],
    "age": [10, 99], "attendance_mode": "offline", "online_url": "",
    "venue": {"name": "Médiathèque", "address": "1 rue de la République", "postcode": "18000",
              "commune": "Bourges", "latitude": 47.081012, "longitude": 2.398782},
    "accessibility": ["access_motor"], "languages": ["fr"],
    "registration": {"mode": "platform", "url": "", "capacity": 20},
    "state": "published", "status": "scheduled",
    "slots": [{"start": "2026-11-25T13:00:00Z", "end": "2026-11-25T15:00:00Z", "capacity": 20,
               "cancelled": False}],
}


def make_work(kind: str, batch: int):
    """``work(writer, n)``: one unit of work, returning how many entries it appended."""
    from django.db import transaction
    from django.utils import timezone

    from semaine.ledger.models import Entry
    from semaine.ledger.services import canonical, record, record_many, utc_time

    if kind == "baseline":
        body = canonical(dict(PAYLOAD, id=str(uuid.uuid4())))
        data = canonical({"kind": "event.changed", "subject": f"event:{uuid.uuid4()}",
                          "time": utc_time(timezone.now()), "sha256": "0" * 64})

        def work(i: int, n: int) -> int:
            Entry.objects.create(kind="event.changed", subject=f"event:{uuid.UUID(int=i << 32 | n)}",
                                 data=data, record=body.decode(), recorded_at=timezone.now())
            return 1
        return work

    if kind == "many":
        def work(i: int, n: int) -> int:
            with transaction.atomic():
                ids = [str(uuid.UUID(int=(i << 40) | (n << 12) | b)) for b in range(batch)]
                record_many([("event.changed", f"event:{x}", dict(PAYLOAD, id=x)) for x in ids])
            return batch
        return work

    def work(i: int, n: int) -> int:
        with transaction.atomic():
            for b in range(batch):
                public_id = str(uuid.UUID(int=(i << 40) | (n << 8) | b))
                record("event.changed", f"event:{public_id}", dict(PAYLOAD, id=public_id))
        return batch
    return work


def _writers(work, first: int, count: int, per_writer: int, barrier, out) -> None:
    """``count`` threads of this process, writers ``first`` …, each with its own connection."""
    from django.db import connection, connections

    def writer(i: int) -> None:
        latencies, done = [], 0
        try:
            connection.ensure_connection()
            barrier.wait()
            began = time.perf_counter()
            for n in range(per_writer):
                start = time.perf_counter()
                done += work(i, n)
                latencies.append(time.perf_counter() - start)
            out.put(("ok", done, latencies, began, time.perf_counter()))
        except threading.BrokenBarrierError:
            out.put(("error", 0, "barrier broken"))
        except BaseException as error:  # reported by the parent
            out.put(("error", 0, repr(error)))
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(first + i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def append_run(kind: str, writers: int, procs: int, units: int, batch: int = 1) -> dict:
    """``writers`` writers (threads of this process if ``procs`` is 1, else spread over
    ``procs`` forked processes), ``units`` units of work each; the clock runs from the moment
    all of them are connected and released until the last one is done."""
    from django.db import connections

    connections.close_all()  # never share a connection with a forked child
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(writers + 1)
    out = ctx.SimpleQueue()
    work = make_work(kind, batch)
    children, threads = [], []
    if procs == 1:
        threads.append(threading.Thread(target=_writers, args=(work, 0, writers, units, barrier, out)))
    else:
        share = [writers // procs + (p < writers % procs) for p in range(procs)]
        first = 0
        for p in range(procs):
            children.append(ctx.Process(target=_writers, args=(work, first, share[p], units, barrier, out)))
            first += share[p]
    for t in threads + children:
        t.start()
    barrier.wait()
    cpu0, child0 = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    results = [out.get() for _ in range(writers)]
    elapsed = time.perf_counter() - start
    if all(r[0] == "ok" for r in results):
        # from the first writer's start to the last one's end, as the writers saw them (the clock
        # is the system's monotonic one, shared by the processes): the parent thread, waiting for
        # the GIL among busy writers, may note its start late
        elapsed = max(r[4] for r in results) - min(r[3] for r in results)
    for t in threads + children:
        t.join()
    child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (time.process_time() - cpu0) + (child1.ru_utime + child1.ru_stime
                                          - child0.ru_utime - child0.ru_stime)
    errors = [r[2] for r in results if r[0] != "ok"]
    if errors:
        raise RuntimeError(f"{kind}: {len(errors)} writers failed: {errors[0]}")
    entries = sum(r[1] for r in results)
    lat = [t * 1000 for r in results for t in r[2]]
    return {"entries": entries, "seconds": elapsed, "rate": entries / elapsed,
            "p50": statistics.median(lat), "p95": pct(lat, 0.95), "cpu": cpu / elapsed}


def bench_appends(writer_counts: list[int], total: int, procs: int, batch: int, repeat: int,
                  many: int, kinds: tuple[str, ...] = ("record", "batched", "many"),
                  many_total: int = 0) -> list:
    rows = []
    for writers in writer_counts:
        per = max(1, total // writers)
        many_per = max(1, (many_total or total) // writers)
        for p in (1, procs):
            where = (f"{writers} threads, 1 process" if p == 1
                     else f"{writers} writers in {p} processes")
            runs = {"baseline": [], "record": [], "batched": [], "many": []}
            sequence = ["baseline"]  # each round of the other kinds is followed by a baseline run
            for _ in range(repeat):
                sequence += [k for k in ("record", "batched", "many") if k in kinds] + ["baseline"]
            for kind in sequence:
                size = {"batched": batch, "many": many}.get(kind, 1)
                units = max(1, (many_per if kind == "many" else per) // size)
                r = append_run(kind, writers, p, units, size)
                runs[kind].append(r)
                print(f"  appends {where}: {kind:8} {r['entries']:6} entries in {r['seconds']:.2f} s "
                      f"= {r['rate']:.0f}/s (p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, "
                      f"CPU {r['cpu']:.2f} cores)", file=sys.stderr, flush=True)
            rows.append((where, writers, p, runs))
    return rows


def clear_entries() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE ledger_entry, ledger_tile, ledger_block RESTART IDENTITY")
        cursor.execute("VACUUM ANALYZE ledger_entry")


# --- 2. sealing ----------------------------------------------------------------------------------


def entry_bytes(n: int, i: int) -> bytes:
    """An entry exactly as record() writes it (RFC 8785: keys sorted, no spaces)."""
    return (b'{"kind":"event.changed","sha256":"%064x","subject":"event:%s",'
            b'"time":"2026-11-25T%02d:%02d:%02dZ"}'
            % (n * 0x9E3779B97F4A7C15 % (1 << 256), str(uuid.UUID(int=n)).encode(),
               (i // 3600) % 24, (i // 60) % 60, i % 60))


def bench_seal_memory(count: int, batch: int, repeat: int) -> dict:
    import hashlib

    from semaine.ledger import merkle
    from semaine.ledger.services import canonical

    sample = entry_bytes(12345, 678)
    import json

    assert canonical(json.loads(sample)) == sample, "the bench's entries are not canonical"
    entries = [entry_bytes(n, n) for n in range(count)]

    def raw() -> float:
        start = time.perf_counter()
        [hashlib.sha256(e).digest() for e in entries]
        return time.perf_counter() - start

    def seal() -> tuple[float, bytes, int]:
        start = time.perf_counter()
        builder = merkle.TileBuilder()
        tiles = 0
        for i in range(0, count, batch):
            tiles += len(builder.extend([merkle.leaf_hash(e) for e in entries[i : i + batch]]))
        root = builder.root()
        return time.perf_counter() - start, root, tiles

    raws, seals = [raw()], []
    roots = set()
    for _ in range(repeat):
        seconds, root, tiles = seal()
        seals.append(seconds)
        roots.add(root)
        raws.append(raw())
    assert roots == {merkle.fold([merkle.leaf_hash(e) for e in entries])}, "TileBuilder root != fold"
    return {"count": count, "size": statistics.mean(len(e) for e in entries[:1000]),
            "raws": raws, "seals": seals, "tiles": tiles, "batch": batch}


def insert_pending(count: int, offset: int) -> float:
    """``count`` pending entries (index NULL), real-sized, by COPY."""
    from django.db import connection, transaction
    from django.utils import timezone

    from semaine.ledger.services import canonical

    body = canonical(dict(PAYLOAD, id="x")).decode()
    now = timezone.now()
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(
        "COPY ledger_entry (kind, subject, data, record, recorded_at) FROM STDIN"
    ) as copy:
        for n in range(offset, offset + count):
            copy.write_row(("event.changed", f"event:{uuid.UUID(int=n)}", entry_bytes(n, n), body, now))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ledger_entry")
    return time.perf_counter() - start


def bench_seal_db(count: int, repeat: int) -> list[dict]:
    from django.db import transaction

    from semaine.ledger import services
    from semaine.ledger.models import Block

    # warm-up outside the clock: the first seal creates the key file and runs the backfill
    with transaction.atomic():
        services.record("bench.start", "bench", {"n": 0})
    services.seal_all()
    runs = []
    offset = 1
    for _ in range(repeat):
        copy_seconds = insert_pending(count, offset)
        offset += count
        before = Block.objects.count()
        start = time.perf_counter()
        blocks = services.seal_all()
        seconds = time.perf_counter() - start
        runs.append({"count": count, "seconds": seconds, "copy": copy_seconds,
                     "blocks": len(blocks), "size": blocks[-1].size, "blocks_before": before})
        print(f"  seal_all(): {count} entries in {len(blocks)} blocks, {seconds:.2f} s "
              f"(tree now {blocks[-1].size})", file=sys.stderr, flush=True)
    return runs


# --- 3. verification ---------------------------------------------------------------------------


def bench_verify(repeat: int) -> dict:
    from django.db import connection

    from semaine.ledger import audit, merkle, reconcile, services

    verifies, baselines = [], []
    size = root = None
    for _ in range(repeat):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM ledger_entry WHERE index IS NOT NULL ORDER BY index")
            base_root = merkle.fold([merkle.leaf_hash(bytes(d)) for (d,) in cursor.fetchall()])
        baselines.append(time.perf_counter() - start)
        start = time.perf_counter()
        report = audit.verify(reconcile.DatabaseSource(), services.verifier())
        verifies.append(time.perf_counter() - start)
        assert report.ok and report.root == base_root, "verification failed"
        size, root = report.size, report.root
        print(f"  verify {size}: {verifies[-1]:.2f} s (baseline {baselines[-1]:.2f} s, "
              f"{report.checkpoints} checkpoints)", file=sys.stderr, flush=True)
    return {"size": size, "root": root, "verifies": verifies, "baselines": baselines,
            "checkpoints": report.checkpoints}


# --- 4. inclusion proofs at 10 M ---------------------------------------------------------------


def build_big_tree(size: int, batch: int = 1_000_000) -> dict:
    from semaine.ledger import merkle

    rng = random.Random(20261125)
    builder = merkle.TileBuilder()
    tiles: dict[tuple[int, int], bytes] = {}
    start = time.perf_counter()
    hashing = 0.0
    for first in range(0, size, batch):
        n = min(batch, size - first)
        data = rng.randbytes(32 * n)
        leaves = [data[i : i + 32] for i in range(0, len(data), 32)]
        t = time.perf_counter()
        tiles.update(builder.extend(leaves))
        hashing += time.perf_counter() - t
    t = time.perf_counter()
    root = builder.root()
    hashing += time.perf_counter() - t
    return {"tiles": tiles, "root": root, "size": size, "seconds": time.perf_counter() - start,
            "builder_seconds": hashing}


def store_tiles(tiles: dict) -> float:
    from django.db import connection, transaction

    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE ledger_tile")
        with cursor.cursor.copy("COPY ledger_tile (level, number, data) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int2", "int8", "bytea"])
            for (level, number), data in tiles.items():
                copy.write_row((level, number, data))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ledger_tile")
    return time.perf_counter() - start


def _view_rows(size: int, root: bytes, indexes: list[int]) -> None:
    """One block covering the whole tree and an entry at each of ``indexes``: what the entry
    view reads besides the tiles (the entries' contents do not matter to the proof)."""
    from django.db import connection
    from django.utils import timezone

    from semaine.ledger.models import Block, Entry

    now = timezone.now()
    with connection.cursor() as cursor:  # the blocks and entries of the parts before are not this tree's
        cursor.execute("TRUNCATE ledger_block, ledger_entry")
    Block.objects.create(number=1, sealed_at=now, first_index=0, size=size, root=root,
                         checkpoint="bench\n")
    Entry.objects.bulk_create([Entry(index=i, kind="bench.proof", subject=f"bench:{i}", data=b"{}",
                                     record="{}", recorded_at=now) for i in sorted(set(indexes))],
                              batch_size=1000)


def bench_proofs(tree: dict, count: int, repeat: int) -> dict:
    """Per run, over the same random indexes: one tile read by primary key (baseline); a proof
    with every tile read and hashed (``queries.inclusion_proof(index, size)``, no root: no cache);
    a proof as the entry view asks it (``inclusion_proof(index, size, root)``: tiles through the
    process's cache, proof checked against the root); the view itself (``/ledger/entry/<i>.json``
    through Django's test client: URL routing, middleware, the entry and block queries, JSON)."""
    from django.test import Client

    from semaine.ledger import merkle, queries, services
    from semaine.ledger.models import Tile

    size, root, tiles = tree["size"], tree["root"], tree["tiles"]
    rng = random.Random(7)
    full_tiles = size // merkle.TILE_WIDTH
    client = Client()
    # warm the connection, the prepared statements and PostgreSQL's cache the same way for all
    for _ in range(50):
        queries.inclusion_proof(rng.randrange(size), size)
        queries.inclusion_proof(rng.randrange(size), size, root)
        Tile.objects.filter(level=0, number=rng.randrange(full_tiles)).values_list("data", flat=True).first()
    runs = []
    for _ in range(repeat):
        indexes = [rng.randrange(size) for _ in range(count)]
        _view_rows(size, root, indexes)
        for i in indexes[:20]:
            assert client.get(f"/ledger/entry/{i}.json").status_code == 200
        base, uncached, cached, view = [], [], [], []
        fetches = 0
        original = services.fetch_tiles

        def counting_fetch(keys, original=original):
            nonlocal fetches
            fetches += 1
            return original(keys)

        reads, lengths, proofs = [], [], []
        for index in indexes:  # interleaved, so that drift in the machine's load hits all four
            number = rng.randrange(full_tiles)
            start = time.perf_counter()
            Tile.objects.filter(level=0, number=number).values_list("data", flat=True).first()
            base.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            proof = queries.inclusion_proof(index, size)
            uncached.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            got = queries.inclusion_proof(index, size, root)
            cached.append((time.perf_counter() - start) * 1000)
            assert got == proof
            start = time.perf_counter()
            response = client.get(f"/ledger/entry/{index}.json")
            view.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
            proofs.append(proof)
        for index in indexes[:200]:  # what the cached path reads from the database
            reader = merkle.TileHashReader(counting_fetch, size, queries.TILES)
            lengths.append(len(merkle.inclusion_proof(index, size, reader)))
            reads.append(reader.tiles_read)
        verified = 0
        for index, proof in list(zip(indexes, proofs, strict=True))[:100]:
            number, offset = divmod(index, merkle.TILE_WIDTH)
            leaf = tiles[(0, number)][offset * 32 : offset * 32 + 32]
            merkle.verify_inclusion(index, size, leaf, proof, root)
            verified += 1
        runs.append({"base": base, "uncached": uncached, "cached": cached, "view": view, "reads": reads,
                     "lengths": lengths, "fetches": fetches / len(reads), "verified": verified,
                     "cache": len(queries.TILES)})
        print(f"  proofs at {size}: cached p50 {statistics.median(cached):.3f} ms, "
              f"p95 {pct(cached, 0.95):.3f} ms; uncached p50 {statistics.median(uncached):.3f} ms; "
              f"view p50 {statistics.median(view):.3f} ms; tile read p50 {statistics.median(base):.3f} ms",
              file=sys.stderr, flush=True)
    return {"runs": runs}


def profile_proof(size: int, root: bytes, count: int = 300) -> dict:
    """Where a proof's time goes, as the view asks it: the query (fetch) against the inner levels
    of the tiles the cache did not have (CPU)."""
    from semaine.ledger import merkle, queries, services

    rng = random.Random(11)
    fetch_t = levels_t = 0.0
    original_levels = merkle.tile_levels

    def timed_fetch(keys):
        nonlocal fetch_t
        t = time.perf_counter()
        out = services.fetch_tiles(keys)
        fetch_t += time.perf_counter() - t
        return out

    def timed_levels(data):
        nonlocal levels_t
        t = time.perf_counter()
        out = original_levels(data)
        levels_t += time.perf_counter() - t
        return out

    merkle.tile_levels = timed_levels
    try:
        start = time.perf_counter()
        for _ in range(count):
            index = rng.randrange(size)
            read = merkle.TileHashReader(timed_fetch, size, queries.TILES)
            proof = merkle.inclusion_proof(index, size, read)
            assert merkle.root_from_inclusion(index, size, read([(0, index)])[0], proof) == root
        total = time.perf_counter() - start
    finally:
        merkle.tile_levels = original_levels
    return {"total": total / count * 1000, "fetch": fetch_t / count * 1000,
            "levels": levels_t / count * 1000}


# --- main ----------------------------------------------------------------------------------------


def report_appends(append_rows, batch: int, many: int, *header) -> None:
    if header:
        pg_version, sync_commit, fsync, repeat = header
        print(f"Machine: {os.cpu_count()} cores, PostgreSQL {pg_version // 10000}.{pg_version % 10000} "
              f"on the same machine (synchronous_commit={sync_commit}, fsync={fsync}), Python "
              f"{platform.python_version()}; each measurement ran {repeat} times, every run shown.")
        print()
    print("### Durable appends")
    print()
    print("| writers (one connection each) | plain `Entry.objects.create()` runs (/s) | `record()` runs (/s) "
          "| record / mean baseline | record p50 / p95 (ms) | client CPU (cores) "
          f"| batched: {batch} `record()` per transaction (/s) "
          f"| `record_many()` of {many} facts per transaction (/s) | target ≥ 5,000/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for where, _w, _p, runs in append_rows:
        base = statistics.mean(r["rate"] for r in runs["baseline"])

        def rates(kind, runs=runs):
            return ", ".join(f"{r['rate']:.0f}" for r in runs[kind]) or "–"

        verdicts = "; ".join(
            f"{label}: {'met' if max(r['rate'] for r in runs[kind]) >= 5000 else '**missed**'}"
            for kind, label in (("record", "one commit per entry"), ("batched", "batched"),
                                ("many", "record_many")) if runs[kind])

        rec = runs["record"] or [{"rate": math.nan, "p50": math.nan, "p95": math.nan, "cpu": math.nan}]
        p50 = statistics.median(r["p50"] for r in rec)
        p95 = statistics.median(r["p95"] for r in rec)
        cpu = statistics.median(r["cpu"] for r in rec)
        share = f"{statistics.median(r['rate'] for r in rec) / base:.0%}" if runs["record"] else "–"
        print(f"| {where} | {rates('baseline')} | {rates('record')} "
              f"| {share} "
              f"| {p50:.1f} / {p95:.1f} | {cpu:.2f} | {rates('batched')} | {rates('many')} "
              f"| {verdicts} |")
    print()


def bench_proof_part(proof_size: int, proofs: int, repeat: int):
    print("== inclusion proofs", file=sys.stderr, flush=True)
    tree = build_big_tree(proof_size)
    print(f"  built {proof_size} leaves: {tree['seconds']:.1f} s "
          f"({tree['builder_seconds']:.1f} s in TileBuilder), {len(tree['tiles'])} tiles",
          file=sys.stderr, flush=True)
    copy_seconds = store_tiles(tree["tiles"])
    print(f"  COPY of the tiles: {copy_seconds:.1f} s", file=sys.stderr, flush=True)
    proof = bench_proofs(tree, proofs, repeat)
    profile = profile_proof(proof_size, tree["root"])
    tile_count = len(tree["tiles"])
    del tree["tiles"]
    return tree, copy_seconds, proof, profile, tile_count


def report_proofs(proof_size, proofs, tree, copy_seconds, proof, profile, tile_count) -> None:
    print("### Inclusion proofs")
    print()
    print(f"Tree of {proof_size:,} random leaf hashes built by `TileBuilder` "
          f"in {tree['builder_seconds']:.1f} s "
          f"({tree['seconds']:.1f} s with generating the leaves), {tile_count:,} tiles copied into "
          f"`ledger_tile` in {copy_seconds:.1f} s (binary COPY, then VACUUM ANALYZE).")
    print()
    print(f"| {proofs} random proofs per run (the four interleaved) | p50 (ms) | p95 (ms) | max (ms) "
          "| target ≤ 1 ms |")
    print("|---|---|---|---|---|")

    def row(label, values, target=False):
        verdict = ""
        if target:
            ok = pct(values, 0.95) <= 1.0
            verdict = (f"p95 {'met' if ok else '**missed**'}"
                       f"{' (p50 met)' if not ok and statistics.median(values) <= 1.0 else ''}")
        print(f"| {label} | {statistics.median(values):.3f} | {pct(values, 0.95):.3f} | {max(values):.3f} "
              f"| {verdict} |")

    for n, r in enumerate(proof["runs"], 1):
        row(f"run {n}: baseline, one tile by primary key (`Tile.objects.filter(level=0, number=…)`)",
            r["base"])
        row(f"run {n}: without the cache, `queries.inclusion_proof(index, {proof_size})`", r["uncached"])
        row(f"run {n}: as the view asks it, `queries.inclusion_proof(index, {proof_size}, root)`",
            r["cached"], target=True)
        row(f"run {n}: the view, `GET /ledger/entry/<index>.json` (Django test client)", r["view"])
    r = proof["runs"][-1]
    print()
    print(f"Per proof through the cache (last run, 200 proofs): {r['fetches']:.2f} queries, tiles read "
          f"{min(r['reads'])}–{max(r['reads'])} (mean {statistics.mean(r['reads']):.2f}), hashes in the "
          f"proof {min(r['lengths'])}–{max(r['lengths'])} (log2 n = {math.log2(proof_size):.1f}); "
          f"tiles in the cache: {r['cache']}; {r['verified']} proofs per run verified against the root with "
          f"`merkle.verify_inclusion`: OK, and every cached proof equals the uncached one. Profile over 300 "
          f"cached proofs: {profile['total']:.3f} ms each, of which {profile['fetch']:.3f} ms in "
          f"`fetch_tiles` (query and rows) and {profile['levels']:.3f} ms in `tile_levels` (the inner "
          "levels of the tiles the cache did not hold).")
    print()


def main() -> None:
    writer_counts = [int(w) for w in os.environ.get("BENCH_WRITERS", "16,50").split(",")]
    appends = env_int("BENCH_APPENDS", 3000)
    procs = env_int("BENCH_PROCS", 4)
    batch = env_int("BENCH_BATCH", 10)
    many = env_int("BENCH_MANY", 100)
    only_appends = env_int("BENCH_ONLY_APPENDS", 0)
    only_proofs = env_int("BENCH_ONLY_PROOFS", 0)
    kinds = tuple(os.environ.get("BENCH_KINDS", "record,batched,many").split(","))
    seal_entries = env_int("BENCH_SEAL_ENTRIES", 1_000_000)
    seal_batch = env_int("BENCH_SEAL_BATCH", 100_000)
    seal_db = env_int("BENCH_SEAL_DB", 200_000)
    proof_size = env_int("BENCH_PROOF_SIZE", 10_000_000)
    proofs = env_int("BENCH_PROOFS", 1000)
    repeat = env_int("BENCH_REPEAT", 2)

    data_dir = tempfile.mkdtemp(prefix="bench-ledger-")
    configure(data_dir)
    wall = time.perf_counter()
    migrate_seconds = scratch.create_database(DB)
    try:
        from django.db import connection

        from semaine.ledger import merkle, services

        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            sync_commit = cursor.fetchone()[0]
            cursor.execute("SHOW fsync")
            fsync = cursor.fetchone()[0]
        pg_version = connection.pg_version
        services.signer()  # the key file, created once here, outside every clock

        if only_proofs:
            tree, copy_seconds, proof, profile, tile_count = bench_proof_part(proof_size, proofs, repeat)
            report_proofs(proof_size, proofs, tree, copy_seconds, proof, profile, tile_count)
            return
        print("== appends", file=sys.stderr, flush=True)
        append_rows = bench_appends(writer_counts, appends, procs, batch, repeat, many, kinds,
                                    env_int("BENCH_MANY_APPENDS", 0))
        clear_entries()
        if only_appends:
            report_appends(append_rows, batch, many, pg_version, sync_commit, fsync, repeat)
            return
        print("== sealing in memory", file=sys.stderr, flush=True)
        seal_mem = bench_seal_memory(seal_entries, seal_batch, max(3, repeat))
        print("== seal_all() in PostgreSQL", file=sys.stderr, flush=True)
        seal_runs = bench_seal_db(seal_db, repeat)
        print("== verification", file=sys.stderr, flush=True)
        verify = bench_verify(repeat)
        tree, copy_seconds, proof, profile, tile_count = bench_proof_part(proof_size, proofs, repeat)
    finally:
        scratch.drop_database(DB)
        shutil.rmtree(data_dir, ignore_errors=True)
    wall = time.perf_counter() - wall

    # --- report (Markdown, for bench/RESULTS.md) ---
    print(f"Machine: {os.cpu_count()} cores, PostgreSQL {pg_version // 10000}.{pg_version % 10000} on the "
          f"same machine (127.0.0.1, synchronous_commit={sync_commit}, fsync={fsync}), Python "
          f"{platform.python_version()}. Scratch database `{DB}` (migrated in {migrate_seconds:.0f} s, "
          f"dropped at the end); whole script {wall:.0f} s. Each measurement ran {repeat} times; every "
          "run is shown.")
    print()
    report_appends(append_rows, batch, many)
    print("### Sealing")
    print()
    raw = statistics.median(seal_mem["raws"])
    sealed = statistics.median(seal_mem["seals"])
    ratio = raw / sealed
    best = min(seal_mem["raws"]) / min(seal_mem["seals"])
    verdict = ("met" if min(ratio, best) >= 0.30 else "**missed**" if max(ratio, best) < 0.30
               else "on the edge")
    print(f"| {seal_mem['count']:,} entries of {seal_mem['size']:.0f} bytes "
          "| seconds (each run, interleaved) "
          "| median (fastest) | entries/s (median) | share of raw hashlib speed: medians (fastest runs) "
          "| target ≥ 30 % |")
    print("|---|---|---|---|---|---|")
    print(f"| raw `hashlib.sha256(e).digest()` | {', '.join(f'{s:.2f}' for s in seal_mem['raws'])} "
          f"| {raw:.2f} ({min(seal_mem['raws']):.2f}) | {seal_mem['count'] / raw:,.0f} | 100 % | |")
    print(f"| `leaf_hash` + `TileBuilder.extend` (batches of {seal_mem['batch']:,}) + `root()` "
          f"| {', '.join(f'{s:.2f}' for s in seal_mem['seals'])} "
          f"| {sealed:.2f} ({min(seal_mem['seals']):.2f}) "
          f"| {seal_mem['count'] / sealed:,.0f} | {ratio:.0%} ({best:.0%}) "
          f"| {verdict} |")
    print()
    print("| `services.seal_all()` in PostgreSQL | pending entries | blocks | seconds | entries/s "
          "| (COPY of the pending entries, s) |")
    print("|---|---|---|---|---|---|")
    for n, r in enumerate(seal_runs, 1):
        print(f"| run {n}: tree {r['size'] - r['count']:,} → {r['size']:,} | {r['count']:,} | {r['blocks']} "
              f"| {r['seconds']:.2f} | {r['count'] / r['seconds']:,.0f} | {r['copy']:.1f} |")
    print()
    print("### Verification")
    print()
    v_med = statistics.median(verify["verifies"])
    b_med = statistics.median(verify["baselines"])
    print(f"| whole log, {verify['size']:,} entries, {verify['checkpoints']} checkpoints "
          "| seconds (each run) "
          "| entries/s | ratio to baseline |")
    print("|---|---|---|---|")
    print(f"| baseline: one `SELECT data … ORDER BY index`, `leaf_hash` + `fold` in memory "
          f"| {', '.join(f'{s:.2f}' for s in verify['baselines'])} | {verify['size'] / b_med:,.0f} | 100 % |")
    print(f"| `audit.verify(reconcile.DatabaseSource(), verifier())` "
          f"| {', '.join(f'{s:.2f}' for s in verify['verifies'])} | {verify['size'] / v_med:,.0f} "
          f"| {b_med / v_med:.0%} |")
    print()
    report_proofs(proof_size, proofs, tree, copy_seconds, proof, profile, tile_count)
    print(f"Versions: {merkle.__name__} TILE_HEIGHT={merkle.TILE_HEIGHT}, MAX_BLOCK={services.MAX_BLOCK}.")


if __name__ == "__main__":
    main()

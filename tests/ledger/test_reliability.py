"""The ledger under failure: a sealer killed with SIGKILL, two sealers at once (PostgreSQL)."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from semaine.ledger import audit
from semaine.ledger import services as ledger
from semaine.ledger.models import Block, Entry, Tile
from semaine.ledger.reconcile import DatabaseSource

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql",
                                    reason="a second process and row locks need PostgreSQL")


def _pending(count, prefix="k"):
    now = timezone.now()
    data = [ledger.canonical({"kind": "test.fact", "subject": f"{prefix}:{i}", "time": "2026-11-25T00:00:00Z",
                              "sha256": "0" * 64}) for i in range(count)]
    Entry.objects.bulk_create([Entry(kind="test.fact", subject=f"{prefix}:{i}", data=d, record="{}",
                                     recorded_at=now) for i, d in enumerate(data)], batch_size=5000)


def _consistent():
    """Sequenced entries are 0..n-1 exactly once, the state, blocks and tiles agree with them."""
    indexes = list(Entry.objects.exclude(index=None).order_by("index").values_list("index", flat=True))
    assert indexes == list(range(len(indexes)))
    last = Block.objects.order_by("-number").first()
    size = last.size if last else 0
    assert size == len(indexes)
    if size:
        audit.verify(DatabaseSource(), ledger.verifier())
    else:
        assert not Tile.objects.exists()
    return size


def _database_url():
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _sealer_in_transaction(app: str, timeout: float = 60.0) -> bool:
    """Wait until the sealer's connection is inside its sealing transaction."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                           "AND xact_start IS NOT NULL AND query ILIKE %s", [app, "%ledger_%"])
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.01)
    return False


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_sealer_killed_with_sigkill_loses_and_duplicates_nothing(settings, tmp_path):
    total = 120_000
    _pending(total)
    env = {**os.environ, "SEMAINE_DATABASE_URL": _database_url(), "SEMAINE_LEDGER_KEY": settings.LEDGER_KEY,
           "SEMAINE_LEDGER_ORIGIN": settings.LEDGER_ORIGIN, "SEMAINE_DATA_DIR": str(tmp_path),
           "PGAPPNAME": "semaine-sealer"}
    for delay in (0.0, 0.3, 0.8):  # after the sealing transaction has begun
        before = Block.objects.order_by("-number").values_list("size", flat=True).first() or 0
        process = subprocess.Popen([sys.executable, "-m", "semaine.cli", "ledger", "seal"], env=env,  # noqa: S603
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert _sealer_in_transaction("semaine-sealer"), process.stderr.read().decode()
        time.sleep(delay)
        assert process.poll() is None, "the seal finished before it could be killed: add entries"
        process.send_signal(signal.SIGKILL)
        process.wait()
        # the killed transaction left nothing: only whole blocks sealed before it remain, every
        # other entry still waits, once
        after = _consistent()
        assert after - before in (0, ledger.MAX_BLOCK)
        assert Entry.objects.filter(index=None).count() == total - after
        connections.close_all()
    ledger.seal_all()
    assert _consistent() == total
    assert Entry.objects.filter(index=None).count() == 0


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_sealers_at_once_never_fork_the_log(settings):
    stop = threading.Event()
    errors = []

    def writer(n):
        try:
            i = 0
            while not stop.is_set():
                with transaction.atomic():
                    ledger.record("test.fact", f"w{n}:{i}", {"i": i})
                i += 1
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    def sealer():
        try:
            for _ in range(15):
                ledger.seal_all()
                time.sleep(0.01)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    sealers = [threading.Thread(target=sealer) for _ in range(2)]
    for t in writers + sealers:
        t.start()
    for t in sealers:
        t.join()
    stop.set()
    for t in writers:
        t.join()
    assert not errors
    ledger.seal_all()
    blocks = list(Block.objects.order_by("number"))
    assert len(blocks) > 2
    for previous, block in zip(blocks, blocks[1:], strict=False):
        assert block.first_index == previous.size and block.size > previous.size
    assert _consistent() == Entry.objects.count()

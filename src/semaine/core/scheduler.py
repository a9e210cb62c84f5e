"""Periodic jobs, enqueued by `semaine worker` on the database queue.

Each worker runs a ticker; a job is enqueued once per period however many workers run, because
the first to claim the period in the shared cache (`cache.add`, atomic in the database and in
Redis) is the only one to enqueue it.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

#: (dotted path of a task, period in seconds or the name of the setting that holds it)
JOBS = [
    ("semaine.ledger.tasks.seal_ledger", "LEDGER_INTERVAL"),
    ("semaine.registrations.tasks.record_closed_registrations", 300),
    ("semaine.registrations.tasks.expire_waiting_list_offers", 60),
    ("semaine.registrations.tasks.send_registration_reminders", 900),
    ("semaine.registrations.tasks.anonymise_past_registrations", 86400),
    ("semaine.consultations.tasks.close_finished_supports", 3600),
    ("semaine.core.tasks.forget_rate_counters", 3600),
    ("semaine.accounts.tasks.prune_finished_tasks", 86400),
    ("semaine.accounts.tasks.retry_emails", 60),
    ("semaine.accounts.tasks.send_daily_digests", 3600),
    ("semaine.accounts.tasks.send_submission_digests", 600),
    ("semaine.opendata.tasks.build_open_data_files", 300),
    ("semaine.agenda.tasks.locate_venues", 3600),
]


def _seconds(period) -> int:
    return max(1, int(getattr(settings, period) if isinstance(period, str) else period))


def due_jobs(now: float | None = None) -> list[str]:
    """The jobs whose current period nobody has claimed yet (claiming them)."""
    now = time.time() if now is None else now
    due = []
    for path, period in JOBS:
        period = _seconds(period)
        if cache.add(f"semaine:job:{path}:{int(now // period)}", 1, timeout=period * 2):
            due.append(path)
    return due


def tick(now: float | None = None) -> list[str]:
    enqueued = []
    for path in due_jobs(now):
        try:
            import_string(path).enqueue()
            enqueued.append(path)
        except Exception:  # noqa: BLE001 - one failing job must not stop the others
            logger.exception("could not enqueue %s", path)
    return enqueued


def start(interval: float | None = None) -> threading.Thread:
    """Tick as often as the shortest period needs (15 s at most)."""
    if interval is None:
        interval = min(15.0, *(_seconds(period) / 2 for _, period in JOBS))
    def loop():
        while True:
            close_old_connections()
            tick()
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="semaine-scheduler", daemon=True)
    thread.start()
    return thread

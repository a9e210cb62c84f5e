"""Open-data files built in the background and served from disk.

A whole edition's CSV, JSON-LD, GeoJSON and Data Package take seconds to minutes to compute at
100,000 events: no web request computes them. When the programme changes (``core.cache`` announces
every new content generation), ``request_build`` queues one build task (a burst of changes
queues one); the worker (``semaine worker``) then rebuilds every edition whose published
programme differs from the one its files were made from (``exports.summarise`` gives that
fingerprint in two queries, so a change elsewhere, a ledger block for instance, costs no
rebuild). The periodic job ``refresh_open_data_files`` asks again every few minutes, so a build
that failed is tried again and a lost queue entry is made up for.

Each build goes to a new folder ``<SEMAINE_OPENDATA_DIR>/<edition>/<build>/`` (written as
``.building-<build>`` and renamed when complete), each file written to a temporary name, flushed
and renamed; then ``state.json`` (itself replaced atomically)
points to it, with each file's size and SHA-256 (its ETag). Readers therefore always see a
complete set of files; the previous build is kept (a download in progress goes on reading it)
and older ones are removed. A failed build leaves the files as they were and records when and
why in ``state.json``: the open-data page says so.

Large calendar feeds use the same mechanism (``feeds/<key>/``): see ``semaine.opendata.feeds``.
"""

import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header, http_date, quote_etag

logger = logging.getLogger(__name__)

STATE = "state.json"
#: Builds kept in an edition's folder (the current one and the one before it).
KEPT_BUILDS = 2
QUEUED_KEY = "semaine:opendata:build-queued:"
LOCK = ".lock"
#: The prefix of a build's folder while it is written.
BUILDING = ".building-"
#: Seconds after which an unfinished build's folder is taken for abandoned (its process died).
STALE_BUILD = 24 * 3600


def root() -> Path:
    return Path(settings.SEMAINE_OPENDATA_DIR)


def folder(name: str) -> Path:
    return root() / name


@dataclass(frozen=True)
class Built:
    """One file of the current build: where it is and what identifies its content."""

    path: Path
    size: int
    etag: str
    built_at: datetime


def read_state(name: str) -> dict:
    try:
        return json.loads((folder(name) / STATE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        logger.exception("unreadable open-data state in %s", folder(name))
        return {}


def _write_state(name: str, state: dict) -> None:
    directory = folder(name)
    directory.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".state-", dir=directory)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(state, out, ensure_ascii=False, indent=1)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, directory / STATE)


def built(name: str, file_name: str) -> Built | None:
    """The file of the current build, or None if there is none yet."""
    state = read_state(name)
    entry = state.get("files", {}).get(file_name)
    if entry is None:
        return None
    path = folder(name) / state["build"] / file_name
    if not path.exists():
        return None
    return Built(path, entry["size"], entry["sha256"], datetime.fromisoformat(state["built_at"]))


def _write(path: Path, parts: Iterable[bytes]) -> dict:
    """Write the bytes to ``path`` through a temporary file: (size, SHA-256)."""
    digest, size = hashlib.sha256(), 0
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as out:
            for part in parts:
                out.write(part)
                digest.update(part)
                size += len(part)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return {"size": size, "sha256": digest.hexdigest()}


@contextmanager
def _locked(directory: Path):
    """Hold the folder's lock (a file lock: the web and the worker share the disk, not memory)
    while a build is made current or a failure recorded, so that two builds finishing at once
    take turns."""
    with open(directory / LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(name: str, fingerprint: str, makers: dict[str, Callable[[], Iterable[bytes]]]) -> dict:
    """Write a new build of the files ``makers`` describe (file name → bytes), then make it the
    current one. On failure the current build stays, and the state records the failure (the
    exception goes on up).

    Several builds of one folder may run at once (the task and the periodic job, two workers):
    each writes into its own hidden folder (``.building-<build>``), which no other build
    removes, renamed to ``<build>`` when complete. The build that started last wins: one that
    finishes after a newer build was made current leaves the state as it is and returns it."""
    directory = folder(name)
    directory.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    build_id = f"{started:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
    work = directory / f"{BUILDING}{build_id}"
    work.mkdir()
    try:
        files = {file_name: _write(work / file_name, make()) for file_name, make in makers.items()}
    except Exception as error:
        shutil.rmtree(work, ignore_errors=True)
        with _locked(directory):
            state = read_state(name)
            state.update(failed_at=datetime.now(UTC).isoformat(), error=f"{type(error).__name__}: {error}",
                         failures=state.get("failures", 0) + 1)
            _write_state(name, state)
        raise
    os.rename(work, directory / build_id)
    state = {"build": build_id, "fingerprint": fingerprint, "built_at": datetime.now(UTC).isoformat(),
             "started_at": started.isoformat(), "files": files}
    with _locked(directory):
        current = read_state(name)
        newer = current.get("started_at") and datetime.fromisoformat(current["started_at"]) > started
        if newer and current.get("build") and (directory / current["build"]).is_dir():
            shutil.rmtree(directory / build_id, ignore_errors=True)
            return current
        _write_state(name, state)
        _prune(directory, keep=build_id)
    return state


def _prune(directory: Path, keep: str) -> None:
    """Remove the complete builds but the current one and the one before it, and the hidden
    folders of builds that stopped without cleaning up (older than ``STALE_BUILD``). Builds in
    progress are never touched."""
    builds = sorted(path for path in directory.iterdir() if path.is_dir() and not path.name.startswith("."))
    for old in [path for path in builds if path.name != keep][: max(0, len(builds) - KEPT_BUILDS)]:
        shutil.rmtree(old, ignore_errors=True)
    limit = datetime.now(UTC).timestamp() - STALE_BUILD
    for path in directory.glob(f"{BUILDING}*"):
        try:
            if path.stat().st_mtime < limit:
                shutil.rmtree(path, ignore_errors=True)
        except FileNotFoundError:
            pass


def is_current(name: str, fingerprint: str) -> bool:
    return read_state(name).get("fingerprint") == fingerprint


# ---- queueing --------------------------------------------------------------------------------------


def queue_once(name: str, enqueue: Callable[[], object]) -> bool:
    """Call ``enqueue`` (which queues a build task) unless a build of ``name`` is already
    waiting: the first change of a burst queues it, the others find it queued (the task frees
    the key when it starts, ``build_started``, so a change made during a build queues the next
    one). True if a task was queued."""
    if not cache.add(QUEUED_KEY + name, 1, timeout=settings.SEMAINE_OPENDATA_QUEUE_TIMEOUT):
        return False
    try:
        enqueue()
    except Exception:
        cache.delete(QUEUED_KEY + name)
        raise
    return True


def build_started(name: str) -> None:
    cache.delete(QUEUED_KEY + name)


# ---- serving -----------------------------------------------------------------------------------------

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _byte_range(header: str, size: int):
    """(first, last) of a single ``Range: bytes=…`` the file can satisfy; None to send the whole
    file (no range, several ranges, a malformed one); False when it cannot be satisfied."""
    match = _RANGE.match(header.strip())
    if match is None or not any(match.groups()):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(0, size - length), size - 1
    first = int(first)
    last = min(int(last), size - 1) if last else size - 1
    if first >= size or last < first:
        return False
    return first, last


class _Window:
    """``length`` bytes of an open file from its current position (a byte range)."""

    def __init__(self, handle, length: int):
        self.handle, self.left = handle, length

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.handle.read(size) if size else b""
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.handle.close()


def file_response(request, file: Built, *, content_type: str, filename: str,
                  attachment: bool) -> HttpResponse:
    """The file from disk, with its ETag (its SHA-256) and Last-Modified (when it was built),
    a single byte range when asked (206, or 416), the whole file otherwise (sent by the server
    with ``sendfile`` where it can). Conditional requests are answered by the view's wrapper."""
    etag = quote_etag(file.etag)
    headers = {"ETag": etag, "Last-Modified": http_date(file.built_at.timestamp()),
               "Accept-Ranges": "bytes", "X-Content-Type-Options": "nosniff"}
    wanted = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    span = _byte_range(wanted, file.size) if wanted and (not if_range or if_range == etag) else None
    if span is False:
        response = HttpResponse(status=416, headers=headers)
        response["Content-Range"] = f"bytes */{file.size}"
        return response
    if request.method == "HEAD":
        response = HttpResponse(content_type=content_type, headers=headers)
        response["Content-Length"] = str(file.size)
        response["Content-Disposition"] = content_disposition_header(attachment, filename)
        return response
    handle = open(file.path, "rb")  # noqa: SIM115 - closed by the response
    if span is None:
        response = FileResponse(handle, content_type=content_type, as_attachment=attachment,
                                filename=filename, headers=headers)
    else:
        first, last = span
        handle.seek(first)
        response = FileResponse(_Window(handle, last - first + 1), status=206,
                                content_type=content_type, as_attachment=attachment,
                                filename=filename, headers=headers)
        response["Content-Range"] = f"bytes {first}-{last}/{file.size}"
        response["Content-Length"] = str(last - first + 1)
    response.block_size = 64 * 1024
    return response

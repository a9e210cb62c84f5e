"""A C2SP tlog-witness: another institution checks that the log only ever grows, and cosigns.

``POST /add-checkpoint`` takes ``old <size>``, the consistency proof lines, a blank line and the
signed checkpoint. The witness checks the log's signature (403), the origin (404), the old size
against the last checkpoint it cosigned (409, body ``<size>\\n`` as ``text/x.tlog.size``), the
proof (422), and answers 200 with its cosignature after saving the new checkpoint atomically
(temporary file, fsync, rename). Two different roots for one size are a split view: refused
(409) and written to the evidence file, as is a checkpoint whose proof fails.

No Django: ``semaine witness`` serves ``Witness.wsgi`` with the standard library's server.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus

from . import merkle
from .note import (
    ALG_COSIGNATURE_V1,
    Checkpoint,
    Signer,
    Verifier,
    cosign,
    load_or_create_signer,
    parse_note,
)

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
MAX_PROOF_LINES = 63


@dataclass
class Answer:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


class Witness:
    def __init__(self, signer: Signer, logs: dict[str, list[Verifier]], state_path: str):
        if signer.alg != ALG_COSIGNATURE_V1:
            raise ValueError("a witness signs with a cosignature/v1 key")
        self.signer = signer
        self.logs = logs
        self.state_path = state_path
        self.evidence_path = state_path + ".evidence.jsonl"
        self._lock = threading.Lock()

    # --- state -----------------------------------------------------------------------------

    def load(self) -> dict:
        try:
            with open(self.state_path) as fh:
                return json.load(fh)
        except FileNotFoundError:
            return {}

    def _save(self, state: dict) -> None:
        directory = os.path.dirname(os.path.abspath(self.state_path))
        tmp = f"{self.state_path}.{os.getpid()}.tmp"
        with open(tmp, "w") as fh:
            json.dump(state, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.state_path)
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _evidence(self, kind: str, origin: str, detail: str, request: str) -> None:
        line = json.dumps({"time": int(time.time()), "kind": kind, "origin": origin, "detail": detail,
                           "request": request}, ensure_ascii=False)
        with open(self.evidence_path, "a") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        logger.error("witness: %s for %s: %s", kind, origin, detail)

    def split_views(self) -> list[dict]:
        try:
            with open(self.evidence_path) as fh:
                return [e for e in map(json.loads, fh) if e["kind"] == "split-view"]
        except FileNotFoundError:
            return []

    # --- protocol --------------------------------------------------------------------------

    def add_checkpoint(self, body: bytes) -> Answer:
        if len(body) > MAX_BODY:
            return Answer(413, "request too large\n")
        try:
            text = body.decode("utf-8")
            head, _, note_text = text.partition("\n\n")
            lines = head.split("\n")
            if not lines[0].startswith("old ") or not lines[0][4:].isdigit():
                raise ValueError("the first line is 'old <size>'")
            if lines[0][4:] != str(int(lines[0][4:])):
                raise ValueError("the old size has no leading zeroes")
            old = int(lines[0][4:])
            if len(lines) - 1 > MAX_PROOF_LINES:
                raise ValueError("at most 63 proof lines")
            proof = [base64.b64decode(line, validate=True) for line in lines[1:]]
            if any(len(p) != merkle.HASH_SIZE for p in proof):
                raise ValueError("a proof line is not a SHA-256 hash")
            note = parse_note(note_text)
            checkpoint = Checkpoint.parse(note.text)
        except (UnicodeDecodeError, ValueError, binascii.Error) as exc:  # NoteError is a ValueError
            return Answer(400, f"malformed request: {exc}\n")
        verifiers = self.logs.get(checkpoint.origin)
        if verifiers is None:
            return Answer(404, "unknown log origin\n")
        if not any(note.signed_by(v) for v in verifiers):
            return Answer(403, "the checkpoint is not signed by a key this witness trusts for the log\n")
        if old > checkpoint.size:
            return Answer(400, "the old size is larger than the checkpoint's size\n")
        with self._lock, open(self.state_path + ".lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)  # the check and the write are one step
            state = self.load()
            known = state.get(checkpoint.origin, {"size": 0, "root": None})
            if old != known["size"]:
                return Answer(409, f"{known['size']}\n", "text/x.tlog.size")
            known_root = base64.b64decode(known["root"]) if known["root"] else merkle.EMPTY_ROOT
            if old == checkpoint.size and known["root"] is not None and known_root != checkpoint.root:
                self._evidence("split-view", checkpoint.origin,
                               f"two roots for size {old}: {known['root']} and "
                               f"{base64.b64encode(checkpoint.root).decode()}", text)
                return Answer(409, f"{known['size']}\n", "text/x.tlog.size")
            try:
                merkle.verify_consistency(old, checkpoint.size, known_root, checkpoint.root, proof)
            except merkle.ProofError as exc:
                self._evidence("inconsistent", checkpoint.origin, str(exc), text)
                return Answer(422, f"the consistency proof does not verify: {exc}\n")
            timestamp = int(time.time())
            signature = cosign(note.text, self.signer, timestamp)
            state[checkpoint.origin] = {"size": checkpoint.size,
                                        "root": base64.b64encode(checkpoint.root).decode(),
                                        "checkpoint": str(note), "cosigned_at": timestamp}
            self._save(state)
        return Answer(200, signature.line())

    def status(self) -> dict:
        state = self.load()
        return {
            "witness": str(self.signer.verifier),
            "logs": {origin: {"size": s["size"], "root": s["root"]} for origin, s in state.items()},
            "split_views": self.split_views(),
        }

    # --- WSGI ------------------------------------------------------------------------------

    def wsgi(self, environ, start_response):
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/add-checkpoint" and method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY:
                answer = Answer(413, "request too large\n")
            else:
                answer = self.add_checkpoint(environ["wsgi.input"].read(length))
        elif path == "/add-checkpoint":
            answer = Answer(405, "use POST\n")
        elif path in ("/", "/status") and method == "GET":
            answer = Answer(200, json.dumps(self.status(), indent=1), "application/json")
        else:
            answer = Answer(404, "not found\n")
        body = answer.body.encode()
        reason = HTTPStatus(answer.status).phrase
        start_response(f"{answer.status} {reason}",
                       [("Content-Type", answer.content_type), ("Content-Length", str(len(body)))])
        return [body]


def load_or_create_key(path: str, name: str) -> Signer:
    """The witness's cosigning key, kept in ``path`` (created as the log's own key is)."""
    return load_or_create_signer(path, name, ALG_COSIGNATURE_V1)


"""C2SP signed notes, checkpoints and cosignatures, with Ed25519 keys.

- signed-note: a UTF-8 text ending in a newline, a blank line, then signature lines
  ``— <key name> <base64(key id || signature)>``; the key id is the first four bytes of
  ``SHA-256(name || 0x0A || type || public key)`` (type 0x01 for Ed25519);
- keys are written as ``<name>+<hex key id>+<base64(type || key)>`` (verifier) and
  ``PRIVATE+KEY+<name>+<hex key id>+<base64(type || seed)>`` (signer), as Go's ``sumdb/note``;
- tlog-checkpoint: the text is the origin, the tree size in decimal and the base64 root hash,
  one per line, then optional extension lines;
- tlog-cosignature (``cosignature/v1``, type 0x04): a witness signs
  ``cosignature/v1\\ntime <seconds>\\n`` followed by the checkpoint's text, and its signature line
  carries ``key id || timestamp (8 bytes, big-endian) || signature``.

No Django import: the witness and the verifier use this module alone.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import struct
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
EM_DASH = "\u2014"
MAX_NOTE_SIZE = 1 << 16
MAX_SIGNATURES = 100


class NoteError(ValueError):
    """A key, note or checkpoint is malformed, or a signature does not verify."""


def _valid_name(name: str) -> bool:
    return bool(name) and not any(c.isspace() or c == "+" for c in name) and name.isprintable()


def key_id(name: str, alg: int, public: bytes) -> int:
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public).digest()
    return struct.unpack(">I", digest[:4])[0]


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise NoteError("base64 invalide") from exc


@dataclass(frozen=True)
class Verifier:
    name: str
    id: int
    alg: int
    public: bytes

    @classmethod
    def parse(cls, text: str) -> Verifier:
        parts = text.strip().split("+", 2)  # base64 may hold '+' too
        if len(parts) != 3 or not _valid_name(parts[0]) or len(parts[1]) != 8:
            raise NoteError("clé de vérification mal formée (attendu : nom+identifiant+clé en base64)")
        name, hex_id, b64 = parts
        try:
            kid = int(hex_id, 16)
        except ValueError as exc:
            raise NoteError("identifiant de clé de vérification mal formé") from exc
        raw = _b64decode(b64)
        if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1):
            raise NoteError("type de clé de vérification non pris en charge")
        alg, public = raw[0], raw[1:]
        if key_id(name, alg, public) != kid:
            raise NoteError("l’identifiant de la clé de vérification ne correspond pas à la clé")
        return cls(name, kid, alg, public)

    def __str__(self) -> str:
        return f"{self.name}+{self.id:08x}+{base64.b64encode(bytes([self.alg]) + self.public).decode()}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    alg: int
    seed: bytes = field(repr=False)

    @classmethod
    def generate(cls, name: str, alg: int = ALG_ED25519) -> Signer:
        if not _valid_name(name):
            raise NoteError("un nom de clé n’a ni espace ni « + »")
        seed = Ed25519PrivateKey.generate().private_bytes_raw()
        return cls(name, alg, seed)

    @classmethod
    def parse(cls, text: str) -> Signer:
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"] or not _valid_name(parts[2]):
            raise NoteError("clé de signature mal formée")
        raw = _b64decode(parts[4])
        if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE_V1):
            raise NoteError("type de clé de signature non pris en charge")
        signer = cls(parts[2], raw[0], raw[1:])
        if f"{signer.verifier.id:08x}" != parts[3].lower():
            raise NoteError("l’identifiant de la clé de signature ne correspond pas à la clé")
        return signer

    def __str__(self) -> str:
        b64 = base64.b64encode(bytes([self.alg]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.id:08x}+{b64}"

    @property
    def verifier(self) -> Verifier:
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw()
        return Verifier(self.name, key_id(self.name, self.alg, public), self.alg, public)

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)


@dataclass(frozen=True)
class Signature:
    name: str
    id: int
    blob: bytes  # after the key id: the signature (or timestamp || signature for cosignatures)

    def line(self) -> str:
        return f"{EM_DASH} {self.name} {base64.b64encode(struct.pack('>I', self.id) + self.blob).decode()}\n"


@dataclass(frozen=True)
class Note:
    text: str
    signatures: tuple[Signature, ...]

    def __str__(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def signed_by(self, verifier: Verifier) -> bool:
        """True if one signature line is by ``verifier`` and verifies (Ed25519 note signature)."""
        for sig in self.signatures:
            if sig.name == verifier.name and sig.id == verifier.id:
                return verifier.verify(self.text.encode(), sig.blob)
        return False

    def with_signatures(self, extra: list[Signature]) -> Note:
        known = {(s.name, s.id) for s in self.signatures}
        return Note(self.text, self.signatures + tuple(s for s in extra if (s.name, s.id) not in known))


def parse_signature_lines(text: str) -> list[Signature]:
    sigs = []
    for line in text.splitlines():
        if not line.startswith(EM_DASH + " "):
            raise NoteError("ligne de signature mal formée")
        parts = line[2:].split(" ")
        if len(parts) != 2 or not _valid_name(parts[0]):
            raise NoteError("ligne de signature mal formée")
        raw = _b64decode(parts[1])
        if len(raw) < 5:
            raise NoteError("signature trop courte")
        sigs.append(Signature(parts[0], struct.unpack(">I", raw[:4])[0], raw[4:]))
    return sigs


def parse_note(data: bytes | str) -> Note:
    if isinstance(data, bytes):
        if len(data) > MAX_NOTE_SIZE:
            raise NoteError("note signée de plus de 64 Kio")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError("une note signée est en UTF-8") from exc
    if len(data.encode()) > MAX_NOTE_SIZE:
        raise NoteError("note signée de plus de 64 Kio")
    if "\r" in data or any(not (c.isprintable() or c == "\n") for c in data):
        raise NoteError("une note signée ne contient que des caractères imprimables et des fins de ligne")
    split = data.rfind("\n\n")
    if split < 0 or not data.endswith("\n"):
        raise NoteError("une note signée se termine par une ligne vide et ses signatures")
    text, sig_block = data[: split + 1], data[split + 2 :]
    signatures = parse_signature_lines(sig_block)
    if not signatures or len(signatures) > MAX_SIGNATURES:
        raise NoteError("une note signée porte de 1 à 100 signatures")
    return Note(text, tuple(signatures))


def sign_note(text: str, signer: Signer) -> Note:
    if not text.endswith("\n") or text.endswith("\n\n"):
        raise NoteError("le texte d’une note se termine par une seule fin de ligne")
    sig = Signature(signer.name, signer.verifier.id, signer.sign(text.encode()))
    return Note(text, (sig,))


def load_or_create_signer(path: str, name: str, alg: int = ALG_ED25519) -> Signer:
    """The signing key kept in the file ``path``, created (mode 0600) if there is none yet.

    A new key is written in full and synced to disk under a temporary name, then linked into
    place: a key already there, written first by another process, is never replaced, and is
    the one returned."""
    try:
        with open(path) as fh:
            return Signer.parse(fh.read())
    except FileNotFoundError:
        pass
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    signer = Signer.generate(name, alg)
    tmp = f"{path}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(str(signer) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # never replaces a key another process wrote first
    finally:
        os.unlink(tmp)
    sync_directory(folder)  # the new name survives a crash too
    with open(path) as fh:
        return Signer.parse(fh.read())


def sync_directory(folder: str) -> None:
    """Make the names just created, linked or replaced in ``folder`` durable."""
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


# --- checkpoints (C2SP tlog-checkpoint) --------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode(), *self.extensions]
        return "".join(f"{line}\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("un point de contrôle a une origine, une taille et une racine, une par ligne")
        origin, size, root = lines[0], lines[1], lines[2]
        if not origin or not size.isdigit() or (size != "0" and size.startswith("0")) or len(size) > 20:
            raise NoteError("origine ou taille du point de contrôle mal formée")
        root_bytes = _b64decode(root)
        if len(root_bytes) != 32:
            raise NoteError("la racine du point de contrôle ne fait pas 32 octets")
        if any(not line for line in lines[3:-1]):
            raise NoteError("les lignes d’extension d’un point de contrôle ne sont pas vides")
        return cls(origin, int(size), root_bytes, tuple(lines[3:-1]))


def open_checkpoint(
    data: bytes | str, verifier: Verifier, origin: str | None = None
) -> tuple[Checkpoint, Note]:
    """Parse a signed checkpoint and check the log's signature (and origin, when given)."""
    note = parse_note(data)
    if not note.signed_by(verifier):
        raise NoteError("le point de contrôle n’est pas signé par la clé du registre")
    checkpoint = Checkpoint.parse(note.text)
    if origin is not None and checkpoint.origin != origin:
        raise NoteError("le point de contrôle est celui d’un autre registre")
    return checkpoint, note


# --- cosignatures (C2SP tlog-cosignature, cosignature/v1) --------------------------------------


def cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_text}".encode()


def cosign(checkpoint_text: str, signer: Signer, timestamp: int) -> Signature:
    if signer.alg != ALG_COSIGNATURE_V1:
        raise NoteError("un témoin signe avec une clé cosignature/v1")
    sig = signer.sign(cosigned_message(checkpoint_text, timestamp))
    return Signature(signer.name, signer.verifier.id, struct.pack(">Q", timestamp) + sig)


def verify_cosignature(checkpoint_text: str, signature: Signature, verifier: Verifier) -> int:
    """The cosignature's timestamp if ``signature`` is ``verifier``'s valid cosignature."""
    if verifier.alg != ALG_COSIGNATURE_V1 or signature.name != verifier.name or signature.id != verifier.id:
        raise NoteError("ce n’est pas une cosignature de ce témoin")
    if len(signature.blob) != 72:
        raise NoteError("une cosignature est un horodatage et une signature de 64 octets")
    timestamp = struct.unpack(">Q", signature.blob[:8])[0]
    if not verifier.verify(cosigned_message(checkpoint_text, timestamp), signature.blob[8:]):
        raise NoteError("la cosignature n’est pas valide")
    return timestamp

"""Signed notes, checkpoints and cosignatures against Go's sumdb/note and transparency-dev vectors."""

import base64
import json
from pathlib import Path

import pytest

from semaine.ledger import note as n

V = json.loads((Path(__file__).parent / "vectors" / "note.json").read_text())
KEYS = {k["id"]: k for k in V["keys"]}


def test_go_verifier_and_signer_keys_parse_and_round_trip():
    peter = KEYS["peter"]
    verifier = n.Verifier.parse(peter["verifier_key"])
    assert verifier.name == "PeterNeumann" and f"{verifier.id:08x}" == peter["key_id_hex"]
    assert str(verifier) == peter["verifier_key"]
    signer = n.Signer.parse(peter["signer_key"])
    assert str(signer) == peter["signer_key"]
    assert str(signer.verifier) == peter["verifier_key"]
    assert str(n.Verifier.parse(KEYS["enoch"]["verifier_key"])) == KEYS["enoch"]["verifier_key"]


def test_bad_verifier_keys_are_refused():
    for bad in V["bad_verifier_keys"]:
        if bad["key"].startswith("<"):
            continue
        with pytest.raises(n.NoteError):
            n.Verifier.parse(bad["key"])
    good = KEYS["peter"]["verifier_key"]
    for cut in range(1, len(good)):
        with pytest.raises(n.NoteError):
            n.Verifier.parse(good[:cut])


def test_signing_reproduces_go_signature():
    case = V["sign"][0]
    signer = n.Signer.parse(KEYS[case["signer"]]["signer_key"])
    assert str(n.sign_note(case["text"], signer)) == case["want_signed"]
    with pytest.raises(n.NoteError):
        n.sign_note("abc", signer)


# (left out: Go's VerifierList errors on a key listed twice, and its two cases with a stub verifier)
@pytest.mark.parametrize("case", [c for c in V["open"] if "ambiguous" not in c.get("error", "") and (
    not c["verifiers"] or not c["verifiers"][0].startswith("<"))], ids=lambda c: c["desc"])
def test_go_open_cases(case):
    verifiers = [n.Verifier.parse(KEYS[v]["verifier_key"]) for v in dict.fromkeys(case["verifiers"])]
    try:
        parsed = n.parse_note(case["msg"])
    except n.NoteError:
        assert not case["ok"]
        return
    verified = [v for v in verifiers if parsed.signed_by(v)]
    invalid = [v for v in verifiers if not parsed.signed_by(v)
               and any(s.name == v.name and s.id == v.id for s in parsed.signatures)]
    if case["ok"]:
        assert verified and not invalid
        if "want_text" in case:
            assert parsed.text == case["want_text"]
        for name, hex_id, _sig in case.get("want_verified", []):
            assert any(v.name == name and f"{v.id:08x}" == hex_id for v in verified)
    else:
        assert not verified or invalid


def test_cosignature_keys_and_timestamps_from_transparency_dev():
    for case in V["cosignature_v1"]["verifier_keys"]:
        if case["ok"] and case["key"].split("+")[2].startswith("B"):  # a native 0x04 key
            assert n.Verifier.parse(case["key"]).alg == n.ALG_COSIGNATURE_V1
        elif not case["ok"]:
            with pytest.raises(n.NoteError):
                n.Verifier.parse(case["key"])
    for case in V["cosignature_v1"]["timestamps"]:
        if case["ok"]:
            raw = base64.b64decode(case["sig_b64"])
            assert len(raw) == 76
            assert int.from_bytes(raw[4:12], "big") == case["want_timestamp"]


def test_a_cosignature_covers_the_checkpoint_and_its_extension_lines():
    witness = n.Signer.generate("witness.example/w1", n.ALG_COSIGNATURE_V1)
    text = V["cosignature_v1"]["extension_line_text"]
    sig = n.cosign(text, witness, 1679315147)
    assert len(base64.b64decode(sig.line().split()[-1])) == 76
    assert n.verify_cosignature(text, sig, witness.verifier) == 1679315147
    with pytest.raises(n.NoteError):
        n.verify_cosignature(text.replace("Extendo", "Extendi"), sig, witness.verifier)
    # the same key as a plain note signer has another key id: it cannot pass for the witness
    plain = n.Signer(witness.name, n.ALG_ED25519, witness.seed)
    assert plain.verifier.id != witness.verifier.id
    with pytest.raises(n.NoteError):
        n.verify_cosignature(text, sig, plain.verifier)


def test_checkpoints_parse_strictly():
    root = base64.b64encode(bytes(32)).decode()
    cp = n.Checkpoint.parse(f"example.com/log\n20852163\n{root}\n")
    assert (cp.origin, cp.size, cp.root) == ("example.com/log", 20852163, bytes(32))
    assert n.Checkpoint.parse(cp.text()) == cp
    for case in V["checkpoint_parse"]:
        if not case["ok"]:
            with pytest.raises(n.NoteError):
                n.Checkpoint.parse(case["m"])
    for bad in [f"log\n007\n{root}\n", f"log\n-1\n{root}\n", "log\n1\nYmFuYW5hcw==\n", f"\n1\n{root}\n",
                f"log\n1\n{root}\n\n", f"log\n1\n{root}"]:
        with pytest.raises(n.NoteError):
            n.Checkpoint.parse(bad)


def test_notes_refuse_oversized_or_control_characters():
    signer = n.Signer.generate("log.example")
    note = str(n.sign_note("hello\n", signer))
    assert n.parse_note(note).signed_by(signer.verifier)
    for bad in [note.replace("hello", "hel\x01lo"), note.replace("hello", "x" * 70000), "hello\n",
                note.replace("\u2014", "-")]:
        with pytest.raises(n.NoteError):
            n.parse_note(bad)


def test_witnesses_started_together_share_one_key_file(tmp_path):
    """The witness's key file is made as the log's: written in full, then linked into place, so
    processes starting at once all end up with the key written first (never an error)."""
    import os
    import threading

    from semaine.ledger.witness import load_or_create_key

    path = str(tmp_path / "keys" / "witness.key")
    barrier, keys, errors = threading.Barrier(8), [], []

    def start():
        barrier.wait()
        try:
            keys.append(str(load_or_create_key(path, "temoin.example")))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with open(path) as fh:
        written = fh.read().strip()
    assert set(keys) == {written}
    assert n.Signer.parse(written).alg == n.ALG_COSIGNATURE_V1
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path / "keys") == ["witness.key"]  # no temporary file left behind
    assert str(load_or_create_key(path, "another.name")) == written  # an existing key is kept


def test_the_log_and_a_witness_make_their_keys_with_their_own_types(tmp_path):
    log = n.load_or_create_signer(str(tmp_path / "log.key"), "log.example")
    assert log.alg == n.ALG_ED25519 and log.name == "log.example"
    assert n.load_or_create_signer(str(tmp_path / "log.key"), "log.example") == log

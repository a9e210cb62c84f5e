"""The ledger on the database: decisions recorded in their transaction, blocks, public endpoints,
witnesses, mirrors, verification and tamper detection."""

import base64
import dataclasses
import hashlib
import json
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import rfc8785
from django.core.exceptions import PermissionDenied
from django.db import transaction

from semaine.agenda import services as agenda
from semaine.agenda.models import Event, EventState
from semaine.ledger import audit, merkle, queries
from semaine.ledger import services as ledger
from semaine.ledger.models import Block, Entry, LedgerArchive, Tile, WitnessState
from semaine.ledger.note import (
    ALG_COSIGNATURE_V1,
    Signer,
    Verifier,
    open_checkpoint,
    parse_note,
    sign_note,
)
from semaine.ledger.reconcile import DatabaseSource, tampered_subjects, verify_here
from semaine.ledger.witness import Witness
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(editor, organisation, edition):
    event = factories.EventFactory(edition=edition, organisation=organisation, state=EventState.SUBMITTED)
    return event


def _entries(kind=None):
    qs = Entry.objects.order_by("id")
    return list(qs.filter(kind=kind) if kind else qs)


def test_moderation_and_changes_are_recorded_in_the_same_transaction(submitted, coordinator, editor):
    agenda.publish_event(coordinator, submitted)
    kinds = [e.kind for e in _entries()]
    assert kinds == ["decision.published", "event.published"]
    decision = json.loads(_entries("decision.published")[0].record)
    assert decision == {"event": str(submitted.public_id), "edition": submitted.edition.slug,
                        "decision": "published", "by": "Coordination de l'édition"}
    agenda.update_event(editor, submitted, fields={"title": "Nouveau titre"})
    changed = _entries("event.changed")
    assert len(changed) == 1 and json.loads(changed[0].record)["title"] == "Nouveau titre"
    # the leaf is RFC 8785 JSON holding the record's SHA-256, never the record itself
    leaf = json.loads(bytes(changed[0].data))
    assert set(leaf) == {"kind", "subject", "time", "sha256"}
    assert leaf["sha256"] == hashlib.sha256(changed[0].record.encode()).hexdigest()
    assert bytes(changed[0].data) == ledger.canonical(leaf)
    agenda.cancel_event(editor, submitted, "Salle indisponible")
    assert json.loads(_entries("event.cancelled")[0].record)["status"] == "cancelled"


def test_a_failed_decision_leaves_no_entry(submitted, editor):
    with pytest.raises(PermissionDenied):  # an editor may not publish
        agenda.publish_event(editor, submitted)
    assert not Entry.objects.exists()


def test_drafts_and_refusals_keep_their_content_out(editor, organisation, edition, coordinator):
    event = factories.EventFactory(edition=edition, organisation=organisation, state=EventState.SUBMITTED)
    agenda.refuse_event(coordinator, event, "Hors sujet : données personnelles de M. Dupont")
    (entry,) = _entries()
    assert entry.kind == "decision.refused"
    assert "Dupont" not in entry.record and event.title not in entry.record


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    with pytest.raises(ledger.LedgerError):
        ledger.record("x", "y", {})


def test_commitments_are_unlinkable_once_the_salt_is_erased():
    with transaction.atomic():
        digest = ledger.commitment("camille@example.org")
        ledger.record("support.added", "proposal:1", {"by": digest})
    assert ledger.opens(digest, "camille@example.org")
    assert not ledger.opens(digest, "someone@example.org")
    ledger.erase_commitment(digest)
    assert not ledger.opens(digest, "camille@example.org")
    assert "camille" not in Entry.objects.get().record


def test_sealing_builds_blocks_tiles_and_a_signed_checkpoint(edition, organisation):
    events = [factories.EventFactory(edition=edition, organisation=organisation, state=EventState.PUBLISHED)
              for _ in range(3)]
    block = ledger.seal()  # the first seal records what was published before (backfill)
    assert block.number == 1 and (block.first_index, block.size) == (0, 3)
    assert {e.subject for e in _entries()} == {f"event:{e.public_id}" for e in events}
    checkpoint, note = open_checkpoint(block.checkpoint, ledger.verifier(), "semaine.test/ledger")
    leaves = [merkle.leaf_hash(bytes(e.data)) for e in Entry.objects.order_by("index")]
    assert checkpoint.size == 3 and checkpoint.root == merkle.fold(leaves) == bytes(block.root)
    assert bytes(Tile.objects.get(level=0, number=0).data) == b"".join(leaves)
    assert ledger.seal() is None  # nothing new: no empty block
    with transaction.atomic():
        ledger.record("test.fact", "s:1", {"n": 1})
    second = ledger.seal()
    assert (second.number, second.first_index, second.size) == (2, 3, 4)
    old, new = bytes(block.root), bytes(second.root)
    merkle.verify_consistency(3, 4, old, new, queries.consistency_proof(3, 4))


def test_blocks_are_capped_and_sealing_goes_on(settings):
    with transaction.atomic():
        for i in range(600):
            ledger.record("test.fact", f"s:{i}", {"n": i})
    first = ledger.seal(limit=256)
    blocks = [first, *ledger.seal_all(limit=256)]
    assert [b.size for b in blocks] == [256, 512, 600]
    assert Entry.objects.filter(index=None).count() == 0
    assert sorted(Entry.objects.values_list("index", flat=True)) == list(range(600))


def _tile_url(site, path):
    return site.get(f"/ledger/{path}")


def test_tlog_endpoints_serve_tiles_entries_checkpoint_and_key(site):
    with transaction.atomic():
        for i in range(300):
            ledger.record("test.fact", f"s:{i}", {"n": i})
    block = ledger.seal()
    key = site.get("/ledger/key").text.strip()
    verifier = Verifier.parse(key)
    checkpoint, _ = open_checkpoint(site.get("/ledger/checkpoint").content, verifier)
    assert checkpoint.size == 300
    full = _tile_url(site, "tile/0/000")
    assert full.status_code == 200 and len(full.content) == 256 * 32
    assert "immutable" in full["Cache-Control"]
    partial = _tile_url(site, "tile/0/001.p/44")
    assert len(partial.content) == 44 * 32
    assert _tile_url(site, "tile/0/001.p/10").content == partial.content[: 10 * 32]
    assert _tile_url(site, "tile/1/000.p/1").content == merkle.fold(
        [full.content[i : i + 32] for i in range(0, 8192, 32)])
    bundle = audit.parse_bundle(_tile_url(site, "tile/entries/001.p/44").content)
    assert bundle[0] == bytes(Entry.objects.get(index=256).data)
    # the browser-side proof: everything needed, against the latest checkpoint
    proof = site.get("/ledger/entry/7.json").json()
    leaf = merkle.leaf_hash(proof["entry"].encode())
    merkle.verify_inclusion(7, proof["tree_size"], leaf, [base64.b64decode(p) for p in proof["proof"]],
                            bytes(block.root))
    assert hashlib.sha256(proof["record"].encode()).hexdigest() == json.loads(proof["entry"])["sha256"]


@pytest.mark.parametrize(("path", "status"), [
    ("tile/0/001", 404),  # past the tree: a full tile that does not exist yet
    ("tile/0/001.p/45", 404),  # wider than the tree
    ("tile/0/002.p/1", 404),
    ("tile/entries/001", 404),
    ("tile/0/1", 400),  # not three digits
    ("tile/0/x000/001", 400),  # not canonical
    ("tile/0/000.p/0", 400),
    ("tile/0/000.p/256", 400),
    ("tile/0/000.p/007", 400),
    ("tile/99/000", 400),
    ("tile/" + "x123/" * 30 + "000", 400),
    ("tile/../../etc/passwd", 400),
    ("entry/9999.json", 404),
    ("consistency/5/400.json", 400),
    ("consistency/9/3.json", 400),
])
def test_bad_ledger_requests_get_a_4xx_with_a_reason(site, path, status):
    with transaction.atomic():
        for i in range(300):
            ledger.record("test.fact", f"s:{i}", {"n": i})
    ledger.seal()
    before = Tile.objects.count(), Entry.objects.count()
    response = site.get(f"/ledger/{path}")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]
    assert (Tile.objects.count(), Entry.objects.count()) == before


def test_an_empty_log_has_no_checkpoint(site):
    assert site.get("/ledger/checkpoint").status_code == 404


def test_the_log_key_is_created_once_and_kept_private(settings, tmp_path, site):
    settings.LEDGER_KEY = ""
    settings.LEDGER_KEY_FILE = tmp_path / "k" / "log.key"
    first = ledger.verifier()
    assert (settings.LEDGER_KEY_FILE.stat().st_mode & 0o777) == 0o600
    ledger._load_signer.cache_clear()
    assert ledger.verifier() == first
    assert "PRIVATE" not in site.get("/ledger/key").text


def test_a_new_key_needs_a_new_origin(settings):
    with transaction.atomic():
        ledger.record("test.fact", "s:1", {})
    ledger.seal()
    settings.LEDGER_KEY = str(Signer.generate("semaine.test/ledger"))
    with transaction.atomic():
        ledger.record("test.fact", "s:2", {})
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        ledger.seal()


def test_rotation_archives_the_old_log_and_starts_a_new_origin_with_the_whole_programme(
    settings, tmp_path, live_server, migrated_reference_data, site, edition, organisation
):
    settings.DATA_DIR = tmp_path
    settings.LEDGER_KEY = ""
    settings.LEDGER_KEY_FILE = tmp_path / "ledger" / "log.key"
    ledger._load_signer.cache_clear()
    events = [factories.EventFactory(edition=edition, organisation=organisation,
                                     state=EventState.PUBLISHED) for _ in range(3)]
    with transaction.atomic():
        ledger.record("test.fact", "s:1", {"n": 1})
    ledger.seal()
    old_key, old_root = ledger.verifier(), queries.latest_block().root
    with transaction.atomic():
        ledger.record("test.fact", "s:waiting", {})  # not sealed yet: goes into the new log
    # the same origin cannot take a new log
    with pytest.raises(ledger.LedgerError):
        ledger.rotate()
    settings.LEDGER_ORIGIN = "semaine.test/ledger-2027"
    archive = ledger.rotate()
    # the old log, frozen, verifies with its own key, served over HTTP like any log
    assert archive.size == 4 and bytes(archive.root) == bytes(old_root)
    served = audit.HttpSource(f"{live_server.url}/ledger/archives/{archive.name}")
    report = audit.verify(served, old_key)
    assert report.origin == "semaine.test/ledger" and report.size == 4
    records = site.get(f"/ledger/archives/{archive.name}/records.jsonl").text.splitlines()
    assert [json.loads(line)["index"] for line in records] == [0, 1, 2, 3]
    # the new log: a new key named for the new origin, the programme recorded again, block 1
    new_key = ledger.verifier()
    assert new_key.name == "semaine.test/ledger-2027" and str(new_key) != str(old_key)
    assert str(new_key) in site.get("/ledger/key").text
    block = queries.latest_block()
    assert block.number == 1 and block.first_index == 0 and block.size == 4
    subjects = set(Entry.objects.exclude(index=None).values_list("subject", flat=True))
    assert {f"event:{e.public_id}" for e in events} | {"s:waiting"} == subjects
    checkpoint = open_checkpoint(site.get("/ledger/checkpoint").text, new_key)[0]
    assert checkpoint.origin == "semaine.test/ledger-2027" and checkpoint.size == 4
    assert "semaine.test/ledger-2027" in site.get("/registre/").text
    assert archive.origin in site.get("/registre/").text
    # the old key was kept aside, never served; verifying the new log still works end to end
    assert list((tmp_path / "ledger").glob("log.key.retired-*"))
    assert verify_here()[0].ok
    # a path outside the archive is refused
    assert site.get(f"/ledger/archives/{archive.name}/../../log.key").status_code == 400
    # its 4 entries are a partial bundle: served at their width, never as a full bundle
    assert site.get(f"/ledger/archives/{archive.name}/tile/entries/000.p/4").status_code == 200
    assert site.get(f"/ledger/archives/{archive.name}/tile/entries/000.p/5").status_code == 404
    assert site.get(f"/ledger/archives/{archive.name}/tile/entries/000").status_code == 404
    assert site.get(f"/ledger/archives/{archive.name}/tile/0/000").status_code == 404
    # an origin once archived never takes a log again
    settings.LEDGER_ORIGIN = "semaine.test/ledger"
    with pytest.raises(ledger.LedgerError):
        ledger.rotate()
    assert LedgerArchive.objects.count() == 1 and queries.latest_block().size == 4
    assert site.get("/ledger/archives/nothing-here/records.jsonl").status_code == 404
    # files of a rotation that never committed are not served
    (tmp_path / "ledger" / "archives" / "uncommitted").mkdir()
    (tmp_path / "ledger" / "archives" / "uncommitted" / "checkpoint").write_text("x")
    assert site.get("/ledger/archives/uncommitted/checkpoint").status_code == 404


def test_verification_rebuilds_the_tree_and_names_an_event_edited_behind_the_platform(
    edition, organisation, submitted, coordinator
):
    agenda.publish_event(coordinator, submitted)
    other = factories.EventFactory(edition=edition, organisation=organisation, state=EventState.PUBLISHED)
    ledger.seal()
    report, problems = verify_here()
    assert report.ok and report.size == 3 and report.checkpoints == 1
    # someone edits the database directly: the platform did not record it
    Event.objects.filter(pk=other.pk).update(title="Titre réécrit en douce")
    report, problems = verify_here()
    assert not report.ok
    assert [e.pk for e, _why in problems] == [other.pk]
    index = Entry.objects.get(subject=f"event:{other.public_id}").index
    assert problems[0][1] == (f"modifié hors de la plateforme depuis son dernier enregistrement "
                              f"(entrée n° {index}) : titre (en base « Titre réécrit en douce », "
                              f"enregistré « {other.title} »)")
    assert "Titre réécrit en douce" in report.problems[0]
    # rewriting the record kept beside the log does not help
    entry = Entry.objects.filter(subject=f"event:{other.public_id}").get()
    rewritten = entry.record.replace(other.title, "Titre réécrit en douce")
    Entry.objects.filter(pk=entry.pk).update(record=rewritten)
    assert tampered_subjects()[0][1] == "l’enregistrement public de sa dernière entrée a été modifié"
    report, _problems = verify_here()
    assert report.problems == [f"entrée n° {entry.index} ({entry.subject}) : l’enregistrement public "
                               "gardé à côté du registre a été modifié (son SHA-256 n’est plus celui "
                               "que l’entrée a scellé)"]  # named once, by its index


def test_verification_names_a_rewritten_entry_row_by_its_index(edition, organisation, capsys):
    for _ in range(3):
        factories.EventFactory(edition=edition, organisation=organisation, state=EventState.PUBLISHED)
    ledger.seal()
    audit.verify(DatabaseSource(), ledger.verifier())
    entry = Entry.objects.get(index=1)
    Entry.objects.filter(pk=entry.pk).update(data=bytes(entry.data).replace(b"event", b"Event"))
    from semaine import cli

    assert cli.main(["ledger", "verify"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "ÉCHEC : entrée n° 1 : le contenu ne correspond plus à l’empreinte que la tuile 0/000 a "
        "scellée (l’entrée ou la tuile a été réécrite)"]


def test_verification_finds_a_log_rewritten_with_its_tiles(edition, organisation):
    for _ in range(3):
        factories.EventFactory(edition=edition, organisation=organisation, state=EventState.PUBLISHED)
    ledger.seal()
    entry = Entry.objects.get(index=1)
    data = bytes(entry.data).replace(b"event", b"Event")
    Entry.objects.filter(pk=entry.pk).update(data=data)
    leaves = [merkle.leaf_hash(bytes(e.data)) for e in Entry.objects.order_by("index")]
    Tile.objects.filter(level=0, number=0).update(data=b"".join(leaves))
    with pytest.raises(audit.AuditError, match="ne correspond pas aux entrées"):
        audit.verify(DatabaseSource(), ledger.verifier())


class _SealingMidway(DatabaseSource):
    """This node's log, where a new block is really sealed as soon as the verification makes its
    first read (what the worker may do at any moment)."""

    sealed = False

    def _seal_once(self):
        if not self.sealed:
            self.sealed = True
            with transaction.atomic():
                ledger.record("test.fact", "midway", {"n": 1})
            assert ledger.seal()

    def checkpoints(self):
        self._seal_once()
        return super().checkpoints()

    def checkpoint(self):
        self._seal_once()
        return super().checkpoint()


@pytest.mark.parametrize("first_read", ["checkpoints", "checkpoint"])
def test_a_block_sealed_during_a_verification_leaves_it_valid(edition, organisation, first_read):
    for _ in range(3):
        factories.EventFactory(edition=edition, organisation=organisation, state=EventState.PUBLISHED)
    ledger.seal()
    before = Block.objects.get()
    source = _SealingMidway()
    if first_read == "checkpoint":  # the other order of reads, as another client may make them
        source.checkpoint()
    report = audit.verify(source, ledger.verifier())
    assert source.sealed and Block.objects.count() == 2
    assert report.ok and report.size == before.size and report.latest_text == before.checkpoint
    assert report.history_texts == [before.checkpoint]
    assert audit.verify(DatabaseSource(), ledger.verifier()).size > before.size  # the next one has it


def test_registration_counts_are_recorded_when_registration_closes(edition, organisation):
    from django.utils import timezone

    from semaine.registrations.services import record_closed_registrations

    event = factories.EventFactory(edition=edition, organisation=organisation, state=EventState.PUBLISHED,
                                   registration_mode="platform", capacity=20)
    slot = event.slots.get()
    factories_registration = {"event": event, "slot": slot, "status": "confirmed"}
    from semaine.registrations.models import Registration

    for i in range(3):
        Registration.objects.create(email=f"p{i}@example.org", first_name="A", last_name="B",
                                    **factories_registration)
    assert record_closed_registrations(now=slot.starts_at - timezone.timedelta(minutes=1)) == 0
    assert record_closed_registrations(now=slot.starts_at) == 1
    assert record_closed_registrations(now=slot.starts_at) == 0  # once
    record = json.loads(_entries("registrations.closed")[0].record)
    assert record["confirmed"] == 3 and record["capacity"] == 20 and record["waitlisted"] == 0
    assert "example.org" not in json.dumps(record)


# --- witnesses and mirrors over real HTTP ------------------------------------------------------


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def http():
    servers = []

    def serve(app):
        server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server in servers:
        server.shutdown()


@pytest.fixture
def witness(tmp_path, settings):
    signer = Signer.generate("witness.test/w1", ALG_COSIGNATURE_V1)
    return Witness(signer, {settings.LEDGER_ORIGIN: [ledger.verifier()]}, str(tmp_path / "witness.json"))


def test_witnesses_cosign_every_new_checkpoint(settings, witness, http):
    url = http(witness.wsgi)
    settings.LEDGER_WITNESSES = [(url, str(witness.signer.verifier))]
    for round_ in range(3):
        with transaction.atomic():
            for i in range(5):
                ledger.record("test.fact", f"s:{round_}:{i}", {"n": i})
        ledger.seal_and_cosign()
        block = Block.objects.order_by("-number").first()
        note = parse_note(block.cosigned)
        assert note.signed_by(ledger.verifier())
        assert any(s.name == "witness.test/w1" for s in note.signatures)
    assert witness.load()[settings.LEDGER_ORIGIN]["size"] == 15
    assert WitnessState.objects.get().size == 15


def test_a_witness_that_missed_checkpoints_is_caught_up_after_a_409(settings, witness, http):
    url = http(witness.wsgi)
    with transaction.atomic():
        ledger.record("test.fact", "s:1", {})
    ledger.seal()  # no witness configured yet
    settings.LEDGER_WITNESSES = [(url, str(witness.signer.verifier))]
    WitnessState.objects.create(url=url, size=1)  # we believe it saw size 1; it saw nothing
    with transaction.atomic():
        ledger.record("test.fact", "s:2", {})
    ledger.seal_and_cosign()
    assert witness.load()[settings.LEDGER_ORIGIN]["size"] == 2


def test_a_witness_answering_without_a_cosignature_is_not_counted(settings, witness, http):
    def empty(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b""]

    url = http(empty)
    settings.LEDGER_WITNESSES = [(url, str(witness.signer.verifier))]
    with transaction.atomic():
        ledger.record("test.fact", "s:1", {})
    block = ledger.seal_and_cosign()[-1]
    assert ledger.cosign_block(block) == []
    state = WitnessState.objects.get(url=url)
    assert state.size == 0 and "no cosignature" in state.last_error
    assert Block.objects.get(pk=block.pk).cosigned == ""


def _submit(witness, old, proof, note):
    body = f"old {old}\n" + "".join(base64.b64encode(p).decode() + "\n" for p in proof) + "\n" + note
    return witness.add_checkpoint(body.encode())


def test_a_witness_refuses_inconsistent_forged_and_malformed_checkpoints(settings, witness):
    from semaine.ledger.note import Checkpoint, sign_note

    log = ledger.signer()
    origin = settings.LEDGER_ORIGIN
    hashes = [merkle.leaf_hash(bytes([i])) for i in range(10)]
    read = merkle.memory_reader(hashes)

    def checkpoint(size, leaves=hashes, key=log):
        return str(sign_note(Checkpoint(origin, size, merkle.fold(leaves[:size])).text(), key))

    assert _submit(witness, 0, [], checkpoint(4)).status == 200
    assert _submit(witness, 0, [], checkpoint(6)).status == 409  # stale: it saw 4
    assert _submit(witness, 0, [], checkpoint(6)).body == "4\n"
    # a forked log: same first 4 leaves, a different 5th and 6th
    forked = hashes[:4] + [merkle.leaf_hash(b"x"), merkle.leaf_hash(b"y")]
    proof = merkle.consistency_proof(4, 6, merkle.memory_reader(forked))
    assert _submit(witness, 4, proof, checkpoint(6, forked)).status == 200
    # now a checkpoint of the honest branch cannot be proven consistent
    bad = _submit(witness, 6, merkle.consistency_proof(6, 8, read), checkpoint(8))
    assert bad.status == 422
    # same size, another root: a split view, refused and kept as evidence
    assert _submit(witness, 6, [], checkpoint(6)).status == 409
    assert witness.split_views() and witness.split_views()[0]["origin"] == origin
    # signed by someone else / unknown log / malformed / too large
    assert _submit(witness, 6, [], checkpoint(6, forked, Signer.generate(origin))).status == 403
    other = str(sign_note(Checkpoint("other.example/log", 1, hashes[0]).text(), log))
    assert _submit(witness, 0, [], other).status == 404
    for body in [b"", b"old x\n\n", b"old 01\n\n" + checkpoint(6, forked).encode(), b"\xff\xfe",
                 b"old 7\n\n" + checkpoint(6, forked).encode(), b"old 1\nnot base64!\n\n" + b"x"]:
        assert witness.add_checkpoint(body).status == 400, body
    assert witness.add_checkpoint(b"x" * 70000).status == 413
    assert witness.load()[origin]["size"] == 6  # nothing accepted since


class _CountingSource:
    """A source that notes which entry bundles and tiles are downloaded."""

    def __init__(self, source):
        self.source, self.bundles, self.tiles = source, [], []

    def __getattr__(self, name):
        return getattr(self.source, name)

    def bundle(self, number, width):
        self.bundles.append(number)
        return self.source.bundle(number, width)

    def tile(self, level, number, width):
        self.tiles.append((level, number))
        return self.source.tile(level, number, width)


class _SealsMeanwhile(_CountingSource):
    """A source whose node seals one more block right after serving its checkpoint."""

    def checkpoint(self):
        text = self.source.checkpoint()
        with transaction.atomic():
            ledger.record("test.fact", "s:meanwhile", {})
        ledger.seal()
        return text


def test_a_mirror_copies_verifies_and_serves_another_node(settings, tmp_path, live_server,
                                                          migrated_reference_data, edition, organisation):
    for _ in range(3):
        factories.EventFactory(edition=edition, organisation=organisation, state=EventState.PUBLISHED)
    with transaction.atomic():
        for i in range(400):
            ledger.record("test.fact", f"s:{i}", {"n": i})
    ledger.seal()
    source = audit.HttpSource(f"{live_server.url}/ledger")
    report = audit.mirror(source, str(tmp_path / "copy"))
    assert report.size == 403
    copy = audit.DirectorySource(str(tmp_path / "copy"))
    assert audit.verify(copy, ledger.verifier()).size == 403
    # served read-only by this node too, and verifiable over HTTP like the original
    settings.DATA_DIR = tmp_path
    (tmp_path / "mirrors").mkdir()
    (tmp_path / "copy").rename(tmp_path / "mirrors" / "copy")
    served = audit.HttpSource(f"{live_server.url}/ledger/mirrors/copy")
    assert audit.verify(served, ledger.verifier()).size == 403
    (tmp_path / "mirrors" / "copy").rename(tmp_path / "copy")
    # the node grows: the mirror follows, consistently, downloading only what it lacks
    with transaction.atomic():
        ledger.record("test.fact", "s:new", {})
    ledger.seal()
    counting = _CountingSource(source)
    assert audit.mirror(counting, str(tmp_path / "copy")).size == 404
    assert counting.bundles == [1]
    assert all(number >= 1 for level, number in counting.tiles if level == 0)
    assert audit.verify(copy, ledger.verifier()).size == 404
    # the node seals another block while the mirror copies: the copy keeps what it checked
    sealing = _SealsMeanwhile(source)
    assert audit.mirror(sealing, str(tmp_path / "copy")).size == 404
    assert queries.latest_block().size == 405
    assert audit.verify(copy, ledger.verifier()).size == 404
    # a node that rewrote its history is refused and the copy is left as it was
    Entry.objects.filter(index=5).update(data=b'{"rewritten":true}')
    Tile.objects.all().delete()
    Block.objects.all().delete()
    Entry.objects.update(index=None)
    ledger.seal()
    with pytest.raises(audit.AuditError):
        audit.mirror(source, str(tmp_path / "copy"))
    assert audit.verify(copy, ledger.verifier()).size == 404


class _ListsOnlyItsLatest(DatabaseSource):
    """A node that keeps only its latest checkpoint in checkpoints.json."""

    def checkpoints(self):
        return super().checkpoints()[-1:]


def _mirrored_history(into) -> list[tuple[int, str]]:
    listed = json.loads((into / "checkpoints.json").read_text())["checkpoints"]
    assert [c["block"] for c in listed] == list(range(1, len(listed) + 1))
    return [(open_checkpoint(c["checkpoint"], ledger.verifier(), None)[0].size, c["checkpoint"])
            for c in listed]


def _seal_facts(prefix, count):
    with transaction.atomic():
        for i in range(count):
            ledger.record("test.fact", f"{prefix}:{i}", {"n": i})
    return ledger.seal()


def test_a_mirror_keeps_the_checkpoints_a_node_no_longer_lists(tmp_path):
    into = tmp_path / "copy"
    first, second = _seal_facts("a", 3), _seal_facts("b", 2)
    audit.mirror(DatabaseSource(), str(into))
    assert _mirrored_history(into) == [(first.size, first.checkpoint), (second.size, second.checkpoint)]
    third = _seal_facts("c", 4)
    report = audit.mirror(_ListsOnlyItsLatest(), str(into))
    assert report.size == third.size
    history = [(first.size, first.checkpoint), (second.size, second.checkpoint),
               (third.size, third.checkpoint)]
    assert _mirrored_history(into) == history
    # the full list again: nothing twice; the copy verifies with every checkpoint
    audit.mirror(DatabaseSource(), str(into))
    assert _mirrored_history(into) == history
    assert audit.verify(audit.DirectorySource(str(into)), ledger.verifier()).checkpoints == 3


def test_a_mirror_checks_again_the_checkpoints_it_keeps(tmp_path):
    into = tmp_path / "copy"
    first = _seal_facts("a", 3)
    _seal_facts("b", 2)
    audit.mirror(DatabaseSource(), str(into))
    # a kept checkpoint signed by the log's key but for another tree (a fork) is not carried on
    held = open_checkpoint(first.checkpoint, ledger.verifier(), None)[0]
    forged = str(sign_note(dataclasses.replace(held, root=b"\x01" * 32).text(), ledger.signer()))
    listed = json.loads((into / "checkpoints.json").read_text())
    listed["checkpoints"][0]["checkpoint"] = forged
    (into / "checkpoints.json").write_text(json.dumps(listed))
    _seal_facts("c", 1)
    with pytest.raises(audit.AuditError, match="bifurqué|ne correspond pas"):
        audit.mirror(_ListsOnlyItsLatest(), str(into))


def test_checking_the_programme_against_the_log_does_not_query_per_event(edition, organisation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(n):
        for _ in range(n):
            factories.EventFactory(edition=edition, organisation=organisation, state=EventState.PUBLISHED)
        with transaction.atomic():
            ledger.backfill()  # events created outside the services, as a data import would
        ledger.seal()
        with CaptureQueriesContext(connection) as captured:
            assert tampered_subjects() == []
        return len(captured)

    assert queries_for(2) == queries_for(6)


def test_record_many_appends_several_facts_in_one_statement_of_the_callers_transaction(
    django_assert_num_queries,
):
    facts = [("test.fact", f"s:{i}", {"n": i, "mot": "créneau"}) for i in range(3)]
    with transaction.atomic(), django_assert_num_queries(1):
        ids = ledger.record_many(facts)
    stored = list(Entry.objects.filter(kind="test.fact").order_by("id"))
    assert [e.subject for e in stored] == ["s:0", "s:1", "s:2"]
    assert [e.id for e in stored] == ids
    for i, entry in enumerate(stored):
        fact = json.loads(bytes(entry.data))
        assert fact["sha256"] == hashlib.sha256(rfc8785.dumps({"n": i, "mot": "créneau"})).hexdigest()
        assert json.loads(entry.record) == {"n": i, "mot": "créneau"}
        # the leaf and the record are exactly what the RFC 8785 reference implementation writes
        assert bytes(entry.data) == rfc8785.dumps(fact)
        assert entry.record.encode() == rfc8785.dumps({"n": i, "mot": "créneau"})
    assert len({json.loads(bytes(e.data))["time"] for e in stored}) == 1


def test_folder_names_of_mirrors_and_archives_stay_inside_their_folder():
    assert ledger.folder_name("semaine.example.gouv.fr/ledger") == "semaine.example.gouv.fr_ledger"
    assert ledger.folder_name("127.0.0.1:8000/ledger") == "127.0.0.1_8000_ledger"
    for text in ("..", ".", "/", "../..", ""):
        assert ledger.folder_name(text) == "log"
    assert len(ledger.folder_name("x" * 500)) == 200


def test_record_returns_the_stored_entry_and_refuses_entries_over_65535_bytes():
    with transaction.atomic():
        entry = ledger.record("test.fact", "s:1", {"n": 1})
    stored = Entry.objects.get()
    assert (entry.id, entry.kind, entry.subject, bytes(entry.data), entry.record) == (
        stored.id, stored.kind, stored.subject, bytes(stored.data), stored.record)
    with pytest.raises(ledger.LedgerError), transaction.atomic():
        ledger.record_many([("test.fact", "s:2", {}), ("test.fact", "x" * 70_000, {})])
    assert Entry.objects.count() == 1
    with transaction.atomic():
        assert ledger.record_many([]) == []


def test_a_sealed_index_is_unique_while_any_number_of_entries_wait():
    from django.db import IntegrityError

    with transaction.atomic():
        ledger.record_many([("test.fact", f"s:{i}", {}) for i in range(3)])
    assert Entry.objects.filter(index=None).count() == 3
    first, second, _ = Entry.objects.order_by("id")
    Entry.objects.filter(pk=first.pk).update(index=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.filter(pk=second.pk).update(index=0)


def test_entry_proofs_stay_right_while_the_tree_grows_and_once_the_log_is_replaced(site):
    """The view's proofs come through the process's tile cache: a partial tile is kept per width,
    so a grown tree is served its wider tile (the narrower one stays cached for older sizes), and
    tiles of a log that is no longer in the database are never served."""

    def checked(index, block):
        body = site.get(f"/ledger/entry/{index}.json").json()
        leaf = merkle.leaf_hash(body["entry"].encode())
        merkle.verify_inclusion(index, block.size, leaf, [base64.b64decode(p) for p in body["proof"]],
                                bytes(block.root))
        assert body["tree_size"] == block.size
        return body["block"]

    queries.TILES.clear()
    with transaction.atomic():
        ledger.record_many([("test.fact", f"s:{i}", {"n": i}) for i in range(300)])
    first = ledger.seal()
    assert checked(260, first) == 1 and checked(7, first) == 1
    assert (0, 1, 44) in queries.TILES  # the right-edge tile of the tree of 300
    with transaction.atomic():
        ledger.record_many([("test.fact", f"s:{i}", {"n": i}) for i in range(300, 310)])
    second = ledger.seal()
    assert checked(305, second) == 2 and checked(260, second) == 1 and checked(0, second) == 1
    assert (0, 1, 54) in queries.TILES and (0, 1, 44) in queries.TILES  # one per width, none stale

    # another log of the same size in the same tables (a restored backup, a rotation)
    Entry.objects.all().delete()
    Tile.objects.all().delete()
    Block.objects.all().delete()
    with transaction.atomic():
        ledger.record_many([("test.other", f"o:{i}", {"n": -i}) for i in range(310)])
    replaced = ledger.seal()
    assert bytes(replaced.root) != bytes(second.root)
    for index in (0, 7, 260, 305, 309):
        assert checked(index, replaced) == 1


def test_no_proof_is_served_from_tiles_that_do_not_lead_to_the_root(site):
    queries.TILES.clear()
    with transaction.atomic():
        ledger.record_many([("test.fact", f"s:{i}", {"n": i}) for i in range(20)])
    ledger.seal()
    assert site.get("/ledger/entry/3.json").status_code == 200
    tile = Tile.objects.get(level=0, number=0)
    Tile.objects.filter(pk=tile.pk).update(data=bytes(32) + bytes(tile.data)[32:])  # leaf 0 rewritten
    queries.TILES.clear()
    response = site.get("/ledger/entry/3.json")
    assert response.status_code == 503
    assert "proof" not in response.json()

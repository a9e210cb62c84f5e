"""`semaine ledger verify|mirror URL` against a node serving malformed, oversized or no answers:
one French line saying what is wrong, exit status 1, never a traceback."""

import base64
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from semaine import cli
from semaine.ledger import audit, merkle
from semaine.ledger.note import Checkpoint, Signer, sign_note

SIGNER = Signer.generate("node.test/ledger")
ENTRY = json.dumps({"kind": "test.fact", "subject": "s:1", "time": "2017-11-20T10:00:00Z",
                    "sha256": "0" * 64}).encode()
LEAF = merkle.leaf_hash(ENTRY)
CHECKPOINT = str(sign_note(Checkpoint("node.test/ledger", 1, LEAF).text(), SIGNER))


def _valid_log() -> dict[str, bytes]:
    return {
        "key": f"{SIGNER.verifier}\n".encode(),
        "checkpoint": CHECKPOINT.encode(),
        "checkpoints.json?after=0": json.dumps(
            {"checkpoints": [{"block": 1, "checkpoint": CHECKPOINT}]}).encode(),
        "checkpoints.json?after=1": b'{"checkpoints": []}',
        "tile/entries/000.p/1": audit.make_bundle([ENTRY]),
        "tile/0/000.p/1": LEAF,
    }


class _Node(BaseHTTPRequestHandler):
    files: dict = {}

    def do_GET(self):  # noqa: N802
        path = self.path.removeprefix("/ledger/")
        answer = self.files.get(path, 404)
        if answer == "slow":
            time.sleep(2)
            answer = b"too late"
        if answer == "no-length":  # more than any cap, without announcing its size
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b" " * (8 << 20) + b"{}")
            return
        if isinstance(answer, int):
            self.send_response(answer)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that stopped reading an oversized answer


@pytest.fixture
def node():
    servers = []

    def serve(**changes):
        files = _valid_log()
        for name, value in changes.items():
            files[name.replace("__", "/").replace("_json", ".json")] = value
        handler = type("Node", (_Node,), {"files": files})
        server = _Server(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/ledger"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def _run(capsys, *args) -> tuple[int, list[str]]:
    code = cli.main(["ledger", *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err.splitlines()


def test_a_well_formed_copy_of_a_log_verifies(node, capsys):
    code, lines = _run(capsys, "verify", node(), "--site", "")
    assert (code, lines) == (0, [])


@pytest.mark.parametrize(("changes", "said"), [
    ({"checkpoints_json?after=0": b"{not json"},
     "checkpoints.json?after=0 : JSON invalide (ligne 1, colonne 2"),
    ({"checkpoints_json?after=0": b'{"checkpoints": "all"}'},
     "checkpoints.json?after=0 : attendu un objet « checkpoints » listant des objets"),
    ({"checkpoints_json?after=0": b'[{"block": 1}]'}, "attendu un objet « checkpoints »"),
    ({"checkpoints_json?after=0": b'{"checkpoints": [{"block": "1", "checkpoint": 2}]}'},
     "attendu un objet « checkpoints »"),
    ({"checkpoints_json?after=0": b'{"checkpoints": [{"block": 0, "checkpoint": "x"}]}'},
     "la liste des points de contrôle n’avance pas"),
    ({"checkpoints_json?after=0": b"\xff\xfe{}"}, "le contenu n’est pas du texte UTF-8"),
    ({"checkpoints_json?after=0": b"[" * 100_000}, "JSON trop imbriqué"),
    ({"checkpoints_json?after=0": b" " * ((8 << 20) + 1)},
     "la réponse fait 8388609 octets, plus que les 8 Mio admis pour ce fichier"),
    ({"checkpoints_json?after=0": "no-length"}, "la réponse dépasse les 8 Mio admis pour ce fichier"),
    ({"checkpoints_json?after=0": 500}, "checkpoints.json?after=0 : le serveur répond HTTP 500"),
    ({"checkpoint": b"node.test/ledger\n1\nAAAA\n"}, "point de contrôle refusé : une note signée se termine"),
    ({"checkpoint": b"x" * ((64 << 10) + 1)}, "plus que les 64 Kio admis pour ce fichier"),
    ({"checkpoint": 404}, "/ledger/checkpoint : le serveur répond HTTP 404"),
    ({"tile__0__000.p__1": LEAF[:31]}, "tile/0/000.p/1 : 31 octets au lieu de 32"),
    ({"tile__entries__000.p__1": b"\x00\x09abc"}, "paquet d’entrées tronqué"),
])
def test_a_malformed_file_is_named_in_one_french_line(node, capsys, changes, said):
    code, lines = _run(capsys, "verify", node(**changes), "--site", "")
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith("ÉCHEC : ") and said in lines[0]


@pytest.mark.parametrize(("key", "said"), [
    (b"not a key\n", "/ledger/key n’est pas une clé de vérification valide : clé de vérification mal formée"),
    (b"node.test/ledger+00000000+AQ==\n", "base64 invalide|type de clé de vérification non pris en charge"),
    (b"node.test/ledger+0000zzzz+" + base64.b64encode(b"\x01" + b"\x00" * 32) + b"\n",
     "identifiant de clé de vérification mal formé"),
    (b"\xff\xff\n", "/ledger/key : le contenu n’est pas du texte UTF-8"),
    (b"k" * ((4 << 10) + 1), "plus que les 4 Kio admis pour ce fichier"),
    (403, "/ledger/key : le serveur répond HTTP 403"),
])
@pytest.mark.parametrize("action", ["verify", "mirror"])
def test_a_malformed_key_is_named_in_one_french_line(node, capsys, tmp_path, key, said, action):
    import re

    extra = ["--into", str(tmp_path / "copy")] if action == "mirror" else ["--site", ""]
    code, lines = _run(capsys, action, node(key=key), *extra)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith("ÉCHEC : ") and re.search(said, lines[0])


def test_a_malformed_key_given_on_the_command_line_is_named(node, capsys):
    code, lines = _run(capsys, "verify", node(), "--key", "nope", "--site", "")
    assert code == 1 and lines == ["ÉCHEC : --key n’est pas une clé de vérification valide : clé de "
                                   "vérification mal formée (attendu : nom+identifiant+clé en base64)"]


def test_a_node_that_does_not_answer_in_time_is_named(node, capsys):
    url = node(**{"checkpoints_json?after=0": "slow"})
    code, lines = _run(capsys, "verify", url, "--site", "", "--timeout", "0.3")
    assert code == 1 and lines == [f"ÉCHEC : {url}/checkpoints.json?after=0 : pas de réponse en 0.3 s"]


def test_a_refused_connection_is_named(capsys, tmp_path):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for action, extra in (("verify", []), ("mirror", ["--into", str(tmp_path / "copy")])):
        code, lines = _run(capsys, action, f"http://127.0.0.1:{port}/ledger", *extra)
        assert code == 1 and lines == [f"ÉCHEC : http://127.0.0.1:{port}/ledger/key : connexion refusée"]


def test_an_address_that_is_not_http_is_named(capsys):
    code, lines = _run(capsys, "verify", "semaine.example/ledger")
    assert code == 1 and len(lines) == 1 and lines[0].startswith("ÉCHEC : semaine.example/ledger/key : ")

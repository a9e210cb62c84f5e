"""A recorded-response server of the Base Adresse Nationale's address search.

A real HTTP server on 127.0.0.1 in the test process answers ``/search/`` with the answers saved
in ``ban/`` (written in the exact shape the BAN documents), chosen by the query's ``q``; it
keeps every request it received.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

RECORDED = Path(__file__).resolve().parent / "ban"
#: the recorded answer for each query (``q``); any other query has no result
ANSWERS = {
    "3 quai Ceineray Nantes": "quai-ceineray.json",
    "12 impasse des Songes Nantes": "rue-inconnue.json",
    "Châteaubriant": "commune-seule.json",
    "1 place de la République Nantes": "autre-departement.json",
}
#: queries the server answers badly: an error, a page that is not JSON, or too late
FAILURES = {"Panne Nantes": 500, "Page Nantes": 200, "Lent Nantes": 0}
SLOW_SECONDS = 1.5


class BanServer:
    def __init__(self):
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the standard library's name
                parts = urlsplit(self.path)
                query = {name: values[0] for name, values in parse_qs(parts.query).items()}
                server.requests.append({"path": parts.path, **query})
                q = query.get("q", "")
                if parts.path != "/search/":
                    return self._send(404, b'{"code":404,"message":"not found"}')
                if q in FAILURES:
                    if FAILURES[q] == 0:
                        time.sleep(SLOW_SECONDS)
                    elif FAILURES[q] == 200:
                        return self._send(200, b"<html>maintenance</html>", "text/html")
                    else:
                        return self._send(FAILURES[q], b'{"code":500,"message":"erreur"}')
                name = ANSWERS.get(q, "aucun-resultat.json")
                answer = json.loads((RECORDED / name).read_text(encoding="utf-8"))
                answer["query"] = q
                self._send(200, json.dumps(answer).encode())

            def _send(self, status, body, kind="application/json; charset=utf-8"):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    pass

            def log_message(self, format, *args):  # noqa: A002 - quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/search/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def ban_server():
    server = BanServer()
    yield server
    server.close()


@pytest.fixture
def geocoder(settings, ban_server):
    """The platform asks the recorded server for addresses."""
    settings.GEOCODER_URL = ban_server.url
    return ban_server

"""The demo's supervisor, with real processes: a worker or witness that stops is announced and
started again; one that keeps failing stops the demo with a message; so does the web server."""

import os
import signal
import sys
import threading
import time

from semaine.cli import Child, Supervisor

SLEEP = [sys.executable, "-c", "import time; time.sleep(60)"]
FAIL = [sys.executable, "-c", "import sys; sys.exit(3)"]


def _wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


class Console(list):
    def __call__(self, line):
        self.append(line)


def _running(supervisor):
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("code", supervisor.run()))
    supervisor.start()
    thread.start()
    return thread, result


def test_a_killed_worker_is_announced_with_its_exit_code_and_started_again():
    console = Console()
    web, worker = Child("le serveur web", SLEEP, essential=True), Child("le worker", SLEEP)
    supervisor = Supervisor([web, worker], poll=0.02, backoff=0.05, out=console)
    thread, result = _running(supervisor)
    try:
        first = worker.process.pid
        os.kill(first, signal.SIGKILL)
        assert _wait_for(lambda: worker.process.pid != first and worker.process.poll() is None)
        assert console[0] == "Le worker s'est arrêté (code -9) ; redémarrage dans 0.05 s."
        assert console[1] == f"Le worker redémarre (processus {worker.process.pid})."
        assert web.process.poll() is None
    finally:
        supervisor.request_stop()
        thread.join(5)
        supervisor.stop()
    assert result["code"] == 0


def test_a_witness_that_keeps_failing_at_start_stops_the_demo_with_a_message():
    console = Console()
    web, witness = Child("le serveur web", SLEEP, essential=True), Child("le témoin", FAIL)
    supervisor = Supervisor([web, witness], poll=0.02, backoff=0.01, max_quick_failures=3,
                            out=console)
    thread, result = _running(supervisor)
    try:
        thread.join(10)
    finally:
        supervisor.stop()
    assert result["code"] == 1
    assert console[-1] == ("Le témoin s'est arrêté 3 fois de suite peu après son démarrage "
                           "(dernier code 3) : arrêt de la démonstration.")
    assert sum("redémarrage dans" in line for line in console) == 2
    assert web.process.poll() is not None  # stopped with the rest


def test_when_the_web_server_stops_everything_stops():
    console = Console()
    web, worker = Child("le serveur web", SLEEP, essential=True), Child("le worker", SLEEP)
    supervisor = Supervisor([web, worker], poll=0.02, out=console)
    thread, result = _running(supervisor)
    try:
        web.process.terminate()
        thread.join(10)
    finally:
        supervisor.stop()
    assert result["code"] == 1
    assert console == ["Le serveur web s'est arrêté (code -15) : arrêt de la démonstration."]
    assert worker.process.poll() is not None

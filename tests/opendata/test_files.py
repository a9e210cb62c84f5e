"""Builds of one open-data folder running at the same time (the worker's task and the periodic
job, two workers): each finishes, and the state always names a complete build."""

import threading

from semaine.opendata import files

FOLDER = "editions/concurrent"
NAME = "evenements.csv"


def makers(text: str, *, started=None, resume=None):
    def parts():
        yield f"{text};".encode()
        if started is not None:
            started.set()
            assert resume.wait(10)
        yield b"fin\n"

    return {NAME: parts, "evenements.geojson": lambda: iter([text.encode()])}


def test_a_slow_build_survives_two_builds_finishing_meanwhile():
    started, resume = threading.Event(), threading.Event()
    outcome = {}

    def slow():
        try:
            outcome["slow"] = files.build(FOLDER, "old", makers("lente", started=started, resume=resume))
        except Exception as error:  # noqa: BLE001 - the test reports it
            outcome["slow"] = error

    thread = threading.Thread(target=slow)
    thread.start()
    assert started.wait(10)
    files.build(FOLDER, "second", makers("deuxième"))
    third = files.build(FOLDER, "third", makers("troisième"))
    resume.set()
    thread.join(10)

    assert not isinstance(outcome["slow"], Exception), outcome["slow"]
    # The slow build started first: the newer build stays the current one.
    assert files.read_state(FOLDER)["build"] == third["build"]
    current = files.built(FOLDER, NAME)
    assert current is not None and current.path.read_bytes() == "troisième;fin\n".encode()


def test_two_builds_at_once_both_finish_and_leave_a_complete_current_build():
    for round in range(20):
        barrier = threading.Barrier(2)
        errors = []

        def run(label, barrier=barrier, errors=errors, round=round):
            barrier.wait(10)
            try:
                files.build(FOLDER, f"{label}-{round}", makers(label))
            except Exception as error:  # noqa: BLE001 - the test reports it
                errors.append(error)

        threads = [threading.Thread(target=run, args=(label,)) for label in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert errors == []
        state = files.read_state(FOLDER)
        for name, entry in state["files"].items():
            assert (files.folder(FOLDER) / state["build"] / name).stat().st_size == entry["size"]
    builds = [path for path in files.folder(FOLDER).iterdir() if path.is_dir()]
    assert len(builds) <= files.KEPT_BUILDS

"""`semaine serve`: gunicorn's address, processes, threads and timeout come from the settings
(SEMAINE_BIND, SEMAINE_WEB_CONCURRENCY, SEMAINE_THREADS, SEMAINE_TIMEOUT) unless given as options."""

import os

import pytest

from semaine import cli


@pytest.fixture
def gunicorn_command(settings, tmp_path, monkeypatch):
    """The command `semaine serve` replaces itself with (captured instead of run)."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.SEMAINE_BIND = "127.0.0.1:9000"
    settings.SEMAINE_WEB_CONCURRENCY = 5
    settings.SEMAINE_THREADS = 6
    settings.SEMAINE_TIMEOUT = 70
    captured = []
    monkeypatch.setattr(os, "execvp", lambda file, args: captured.append(args))

    def serve(*options: str) -> list[str]:
        cli.main(["serve", *options])
        return captured[-1]

    return serve


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_serve_takes_its_defaults_from_the_settings(gunicorn_command):
    command = gunicorn_command()
    assert [_option(command, name) for name in ("--bind", "--workers", "--threads", "--timeout")] == [
        "127.0.0.1:9000", "5", "6", "70"]


def test_serve_options_win_over_the_settings(gunicorn_command):
    command = gunicorn_command("--bind", "0.0.0.0:8001", "--workers", "2", "--threads", "3",
                               "--timeout", "40")
    assert [_option(command, name) for name in ("--bind", "--workers", "--threads", "--timeout")] == [
        "0.0.0.0:8001", "2", "3", "40"]

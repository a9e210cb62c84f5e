import json
import os
import subprocess
import sys


def production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(SEMAINE_ENV="production", SECRET_KEY="x" * 20 + "-a-long-random-production-key-0123456789",
               ALLOWED_HOSTS="semaine.example.org", SEMAINE_DATA_DIR=str(tmp_path))
    env.update(extra)
    return env


def run_semaine(tmp_path, *args, **extra):
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "semaine.cli", *args], env=production_env(tmp_path, **extra),
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_the_deployment_checklist_is_clean_in_production(tmp_path):
    result = run_semaine(tmp_path, "manage", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_semaine(tmp_path, "manage", "check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr



def test_collectstatic_succeeds_with_the_production_storage(tmp_path):
    """The hashed, compressed copies of every static file (what `semaine serve` makes first)."""
    result = run_semaine(tmp_path, "manage", "collectstatic", "--no-input", "-v", "0")
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["ui/vendor/leaflet/leaflet.js"]
    assert hashed != "ui/vendor/leaflet/leaflet.js"
    assert (tmp_path / "static" / hashed).exists()
    assert (tmp_path / "static" / (hashed + ".gz")).exists()

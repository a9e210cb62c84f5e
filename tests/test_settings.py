"""The environment variables: named SEMAINE_*, each documented once in docs/configuration.md, the
former Django names still read."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "semaine"
DOC = ROOT / "docs" / "configuration.md"
#: the settings module's readers of the environment (env("SEMAINE_X", default, former="X"))
ENV_HELPERS = {"env", "env_bool", "env_int", "env_float", "env_list"}
#: every name a variable had before it was named SEMAINE_*, and their production values
FORMER_NAMES = {"SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL", "EMAIL_HOST",
                "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
                "EMAIL_TIMEOUT", "DEFAULT_FROM_EMAIL", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                "SECURE_HSTS_PRELOAD", "WEB_CONCURRENCY", "SEMAINE_MAP_TILES", "SEMAINE_MAP_ATTRIBUTION"}


def _is_os_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ"
            and isinstance(node.value, ast.Name) and node.value.id == "os")


def _string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def environment_reads() -> dict[str, set[str]]:
    """Every environment variable the source reads (``os.environ.get``, ``os.environ[…]``,
    ``os.getenv``, the settings' ``env…`` helpers), with the former names it falls back to."""
    reads: dict[str, set[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            name, former = None, None
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                if isinstance(func, ast.Name) and func.id in ENV_HELPERS:
                    name = _string(node.args[0])
                    former = next((_string(k.value) for k in node.keywords if k.arg == "former"), None)
                elif isinstance(func, ast.Attribute) and (
                        (func.attr == "get" and _is_os_environ(func.value))
                        or (func.attr == "getenv" and isinstance(func.value, ast.Name)
                            and func.value.id == "os")):
                    name = _string(node.args[0])
            elif (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)
                    and _is_os_environ(node.value)):
                name = _string(node.slice)
            if name:
                reads.setdefault(name, set())
                if former:
                    reads[name].add(former)
    return reads


def documented() -> dict[str, list[set[str]]]:
    """The variables of docs/configuration.md (one ``### `NAME``` heading each), with the former
    names each section gives; a variable documented twice has two entries."""
    sections: dict[str, list[set[str]]] = {}
    for section in re.split(r"^(?=### )", DOC.read_text(), flags=re.MULTILINE):
        heading = re.match(r"### `(\w+)`\n", section)
        if heading:
            formers = set(re.findall(r"Former name: `(\w+)`", section))
            sections.setdefault(heading.group(1), []).append(formers)
    return sections


def test_every_environment_variable_the_source_reads_is_named_semaine():
    reads = environment_reads()
    assert "SEMAINE_ENV" in reads  # the scan sees the settings module
    assert sorted(name for name in reads if not name.startswith("SEMAINE_")) == []


def test_every_environment_variable_the_source_reads_is_documented_once():
    docs = documented()
    assert sorted(name for name in environment_reads() if name not in docs) == []
    assert sorted(name for name, sections in docs.items() if len(sections) > 1) == []


def test_every_documented_variable_is_read_by_the_source():
    reads = environment_reads()
    assert sorted(name for name in documented() if name not in reads) == []


def test_each_former_name_is_documented_with_its_variable():
    reads = environment_reads()
    assert {name: formers for name, formers in reads.items() if formers} == {
        name: sections[0] for name, sections in documented().items() if sections[0]}
    assert set().union(*reads.values()) == FORMER_NAMES


def _settings(tmp_path, *names: str, **environment: str) -> dict:
    """The given settings of a fresh process started with only ``environment`` (no SEMAINE_*
    nor former name inherited from this one)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("SEMAINE_") and key not in FORMER_NAMES | {"DJANGO_SETTINGS_MODULE"}}
    env.update(SEMAINE_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="semaine.settings",
               PYTHONPATH=os.pathsep.join(sys.path))
    env.update(environment)
    code = ("import json, sys\nfrom django.conf import settings\n"
            "print(json.dumps({name: getattr(settings, name, None) for name in sys.argv[1:]},"
            " default=str))")
    result = subprocess.run([sys.executable, "-c", code, *names], env=env, capture_output=True,  # noqa: S603
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


PRODUCTION_FORMER = {"SEMAINE_ENV": "production", "SECRET_KEY": "former-" + "k" * 50,
                     "ALLOWED_HOSTS": "former.example.org", "CSRF_TRUSTED_ORIGINS": "https://former.example.org",
                     "EMAIL_HOST": "smtp.former.example.org", "EMAIL_PORT": "25",
                     "DEFAULT_FROM_EMAIL": "former@example.org", "SECURE_SSL_REDIRECT": "0",
                     "SECURE_HSTS_SECONDS": "60", "WEB_CONCURRENCY": "7"}
CHECKED = ["SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "EMAIL_HOST", "EMAIL_PORT",
           "DEFAULT_FROM_EMAIL", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SEMAINE_WEB_CONCURRENCY"]


def test_a_deployment_configured_with_the_former_names_keeps_working(tmp_path):
    values = _settings(tmp_path, *CHECKED, **PRODUCTION_FORMER)
    assert values == {
        "SECRET_KEY": "former-" + "k" * 50, "ALLOWED_HOSTS": ["former.example.org"],
        "CSRF_TRUSTED_ORIGINS": ["https://former.example.org"], "EMAIL_HOST": "smtp.former.example.org",
        "EMAIL_PORT": 25, "DEFAULT_FROM_EMAIL": "former@example.org", "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 60, "SEMAINE_WEB_CONCURRENCY": 7,
    }


def test_the_semaine_name_wins_over_the_former_name(tmp_path):
    values = _settings(
        tmp_path, *CHECKED, **PRODUCTION_FORMER,
        SEMAINE_SECRET_KEY="semaine-" + "k" * 50, SEMAINE_ALLOWED_HOSTS="semaine.example.org",
        SEMAINE_CSRF_TRUSTED_ORIGINS="https://semaine.example.org",
        SEMAINE_EMAIL_HOST="smtp.semaine.example.org", SEMAINE_EMAIL_PORT="2525",
        SEMAINE_DEFAULT_FROM_EMAIL="semaine@example.org", SEMAINE_SECURE_SSL_REDIRECT="1",
        SEMAINE_SECURE_HSTS_SECONDS="120", SEMAINE_WEB_CONCURRENCY="2",
    )
    assert values == {
        "SECRET_KEY": "semaine-" + "k" * 50, "ALLOWED_HOSTS": ["semaine.example.org"],
        "CSRF_TRUSTED_ORIGINS": ["https://semaine.example.org"], "EMAIL_HOST": "smtp.semaine.example.org",
        "EMAIL_PORT": 2525, "DEFAULT_FROM_EMAIL": "semaine@example.org", "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 120, "SEMAINE_WEB_CONCURRENCY": 2,
    }


def test_the_database_url_is_read_under_both_names(tmp_path):
    former = _settings(tmp_path, "DATABASES", DATABASE_URL=f"sqlite:///{tmp_path}/former.sqlite3")
    both = _settings(tmp_path, "DATABASES", DATABASE_URL=f"sqlite:///{tmp_path}/former.sqlite3",
                     SEMAINE_DATABASE_URL=f"sqlite:///{tmp_path}/semaine.sqlite3")
    assert former["DATABASES"]["default"]["NAME"] == f"{tmp_path}/former.sqlite3"
    assert both["DATABASES"]["default"]["NAME"] == f"{tmp_path}/semaine.sqlite3"


def test_the_map_tiles_are_read_under_their_former_names(tmp_path):
    former = _settings(tmp_path, "MAP_TILES_URL", "MAP_TILES_ATTRIBUTION",
                       SEMAINE_MAP_TILES="https://tiles.example.org/{z}/{x}/{y}.png",
                       SEMAINE_MAP_ATTRIBUTION="© exemple")
    both = _settings(tmp_path, "MAP_TILES_URL", SEMAINE_MAP_TILES="https://old.example.org/{z}/{x}/{y}.png",
                     SEMAINE_MAP_TILES_URL="https://new.example.org/{z}/{x}/{y}.png")
    none = _settings(tmp_path, "MAP_TILES_URL")
    assert former == {"MAP_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png",
                      "MAP_TILES_ATTRIBUTION": "© exemple"}
    assert both["MAP_TILES_URL"] == "https://new.example.org/{z}/{x}/{y}.png"
    assert none["MAP_TILES_URL"] == ""


def test_an_unknown_theme_is_refused_at_start(tmp_path):
    with pytest.raises(AssertionError, match="SEMAINE_THEME: 'neutral' is not a theme"):
        _settings(tmp_path, "THEME", SEMAINE_THEME="neutral")


def test_no_tile_server_nor_address_service_by_default_and_the_tile_host_allowed_when_set(tmp_path):
    names = ("CONTENT_SECURITY_POLICY", "MAP_TILES_URL", "GEOCODER_URL")
    default = _settings(tmp_path, *names)
    assert default["MAP_TILES_URL"] == "" and default["GEOCODER_URL"] == ""
    assert default["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'", "data:"]
    ign = ("https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER="
           "GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM&FORMAT=image/png"
           "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}")
    tiled = _settings(tmp_path, *names, SEMAINE_MAP_TILES_URL=ign)
    assert tiled["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == [
        "'self'", "data:", "https://data.geopf.fr"]
    production = _settings(tmp_path, *names, SEMAINE_ENV="production", SEMAINE_SECRET_KEY="k" * 50,
                           SEMAINE_ALLOWED_HOSTS="semaine.example.org")
    assert production["GEOCODER_URL"] == "https://api-adresse.data.gouv.fr/search/"
    assert production["MAP_TILES_URL"] == ""

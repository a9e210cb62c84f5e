"""Every file our static files point at exists: a source map or a CSS ``url()`` naming a missing
file stops `collectstatic` with the production storage (and so `semaine serve`)."""

import re
from pathlib import Path

import semaine

SOURCE = Path(semaine.__file__).resolve().parent
SOURCE_MAP = re.compile(r"[#@]\s*sourceMappingURL=(\S+?)(?:\s*\*/)?\s*$", re.MULTILINE)
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def _static_files(suffix: str):
    for static in SOURCE.glob("*/static"):
        yield from static.rglob(f"*{suffix}")


def _missing(path: Path, references) -> list[str]:
    missing = []
    for reference in references:
        if reference.startswith(("data:", "http:", "https:", "//", "#", "/")):
            continue
        target = reference.split("#", 1)[0].split("?", 1)[0]
        if target and not (path.parent / target).exists():
            missing.append(f"{path.relative_to(SOURCE)} → {reference}")
    return missing


def test_no_script_or_style_names_a_source_map_that_is_not_there():
    missing = []
    for suffix in (".js", ".css"):
        for path in _static_files(suffix):
            missing += _missing(path, SOURCE_MAP.findall(path.read_text(encoding="utf-8")))
    assert missing == []


def test_every_file_a_style_sheet_loads_is_there():
    missing = []
    for path in _static_files(".css"):
        text = path.read_text(encoding="utf-8")
        missing += _missing(path, [match[1] for match in CSS_URL.findall(text)])
    assert missing == []

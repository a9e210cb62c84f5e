"""Write the French catalogue of plural forms from the English one.

The interface is written in French, so French needs no translation, except for one thing: with
no catalogue, gettext picks the singular for 1 only (« 0 événements »), whereas French takes the
singular for 0 and 1 (« 0 événement »). ``fr/LC_MESSAGES/django.po`` therefore holds every plural
message of the interface with its own two forms and French's plural rule, ``n > 1``.

From ``src/semaine``, after ``makemessages -l en``::

    python locale/french_plurals.py && django-admin compilemessages -l fr
"""

import ast
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = """# The French plural forms of the interface (written by locale/french_plurals.py: do not edit).
msgid ""
msgstr ""
"Project-Id-Version: semaine\\n"
"PO-Revision-Date: 2026-12-02 00:00+0000\\n"
"Last-Translator: \\n"
"Language-Team: French\\n"
"Language: fr\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
"""


def plural_entries(po: Path) -> list[tuple[str | None, str, str]]:
    """``(msgctxt, msgid, msgid_plural)`` of every plural message of the catalogue ``po``."""
    entries, current, field = [], {}, None

    def flush():
        if current.get("msgid") and current.get("msgid_plural"):
            entries.append((current.get("msgctxt"), current["msgid"], current["msgid_plural"]))

    for line in po.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or (line.startswith("#") and not line.startswith("#~")):
            continue
        if line.startswith("#~"):
            continue  # obsolete
        if line.startswith('"'):
            current[field] += ast.literal_eval(line)
            continue
        field, _, value = line.partition(" ")
        if field == "msgctxt" or (field == "msgid" and "msgid" in current):
            flush()
            current = {}
        current[field] = ast.literal_eval(value)
    flush()
    return entries


def _quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def french_catalogue(entries) -> str:
    blocks = [HEADER]
    for context, singular, plural in entries:
        lines = [f"msgctxt {_quoted(context)}"] if context else []
        lines += [f"msgid {_quoted(singular)}", f"msgid_plural {_quoted(plural)}",
                  f"msgstr[0] {_quoted(singular)}", f"msgstr[1] {_quoted(plural)}"]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def main() -> int:
    entries = plural_entries(HERE / "en" / "LC_MESSAGES" / "django.po")
    target = HERE / "fr" / "LC_MESSAGES" / "django.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(french_catalogue(entries), encoding="utf-8")
    print(f"{len(entries)} messages au pluriel écrits dans {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

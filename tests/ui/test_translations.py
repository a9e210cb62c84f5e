"""The English catalogue: key strings are translated, and the committed .mo matches the .po."""

import ast
import gettext
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import translation

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"


def test_key_interface_strings_are_translated_into_english():
    expected = {
        "Se connecter": "Sign in",
        "Programme": "Programme",  # same word in British English: checked to be in the catalogue below
        "Espace organisateur": "Organiser area",
        "Nouvel événement": "New event",
        "Soumettre à la coordination": "Submit to the coordination",
        "Publier": "Publish",
    }
    with translation.override("en"):
        assert {fr: translation.gettext(fr) for fr in expected} == expected
        assert translation.ngettext("%(n)s place", "%(n)s places", 2) % {"n": 2} == "2 places"
    with translation.override("fr"):
        assert translation.gettext("Se connecter") == "Se connecter"


def read_po(path):
    """Entries of a .po file as {(msgctxt, msgid, msgid_plural): [msgstr, ...]}, flags aside."""
    entries, current, field = {}, None, None

    def flush():
        if current and current.get("msgid"):
            key = (current.get("msgctxt"), current["msgid"], current.get("msgid_plural"))
            plurals = sorted(k for k in current if k.startswith("msgstr["))
            entries[key] = [current[k] for k in plurals] or [current.get("msgstr", "")]

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            current[field] += ast.literal_eval(line)
            continue
        field, _, value = line.partition(" ")
        if field == "msgctxt" or (field == "msgid" and (current is None or "msgid" in current)):
            flush()  # a new entry begins (its msgctxt, if any, comes before its msgid)
            current = {}
        current[field] = ast.literal_eval(value)
    flush()
    return entries


def test_the_english_catalogue_is_complete_and_compiled():
    entries = read_po(CATALOGUE / "django.po")
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert len(entries) > 100

    untranslated = [msgid for (_, msgid, _), msgstrs in entries.items() if not all(msgstrs)]
    assert untranslated == [], "Translate these strings in django.po"

    stale = []
    for (context, msgid, plural), msgstrs in entries.items():
        if plural and context:  # English: form 0 for one, form 1 for several
            found = [compiled.npgettext(context, msgid, plural, n) for n in (1, 2)]
        elif plural:
            found = [compiled.ngettext(msgid, plural, n) for n in (1, 2)]
        else:
            found = [compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)]
        if found != msgstrs:
            stale.append(msgid)
    assert stale == [], "django.mo is out of date (or the .po has fuzzy entries): run compilemessages -l en"


FRENCH = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES"


def test_french_counts_take_the_singular_for_zero_and_one():
    template = Template("{% load i18n %}{% blocktranslate count n=n %}{{ n }} événement{% plural %}"
                        "{{ n }} événements{% endblocktranslate %}")
    with translation.override("fr"):
        assert [template.render(Context({"n": n})) for n in (0, 1, 2)] == [
            "0 événement", "1 événement", "2 événements"]
        assert translation.ngettext("%(n)s place", "%(n)s places", 0) % {"n": 0} == "0 place"
    with translation.override("en"):
        assert [template.render(Context({"n": n})) for n in (0, 1, 2)] == [
            "0 events", "1 event", "2 events"]


def test_the_french_catalogue_holds_every_plural_message_and_is_compiled():
    """``locale/french_plurals.py`` writes it from the English catalogue (see locale/README.md)."""
    plurals = {key for key in read_po(CATALOGUE / "django.po") if key[2]}
    french = read_po(FRENCH / "django.po")
    assert plurals and set(french) == plurals, "run locale/french_plurals.py"
    assert all(msgstrs == [msgid, plural] for (_, msgid, plural), msgstrs in french.items())
    with (FRENCH / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [msgid for context, msgid, plural in french
             if (compiled.npgettext(context, msgid, plural, 0) if context
                 else compiled.ngettext(msgid, plural, 0)) != msgid]
    assert stale == [], "the French django.mo is out of date: run compilemessages -l fr"

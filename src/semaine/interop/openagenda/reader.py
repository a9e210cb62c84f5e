"""Reading an OpenAgenda JSON document (the events of its API v2 and of its agenda exports):
its size, encoding, nesting and numbers are checked before anything is read from it, and
values of its fields are read as text, in French first."""

import json
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from semaine.core.text import one_line, without_controls

#: Largest file accepted (bytes) and most events in one file.
MAX_BYTES = 10 * 1024 * 1024
MAX_EVENTS = 5000


class FormatError(ValidationError):
    """The file is not an OpenAgenda export we can read: nothing is written."""


def max_bytes() -> int:
    return getattr(settings, "SEMAINE_OPENAGENDA_MAX_BYTES", MAX_BYTES)


def read_document(data: bytes) -> dict:
    """Check and parse an export file; raise FormatError with a French message otherwise."""
    limit = max_bytes()
    if len(data) > limit:
        raise FormatError(
            _("Le fichier dépasse %(size)s Mo : découpez l’export en plusieurs fichiers.")
            % {"size": limit // (1024 * 1024) or 1}
        )
    if not data.strip():
        raise FormatError(_("Le fichier est vide."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError(_("Le fichier n’est pas un texte UTF-8 : exportez-le en JSON depuis "
                            "OpenAgenda.")) from None
    try:
        document = json.loads(text, parse_int=_integer, parse_float=_decimal,
                              parse_constant=_constant)
    except RecursionError:
        raise FormatError(_too_deep()) from None
    except _NumberError as error:
        raise FormatError(str(error)) from None
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()) - 1 or error.msg.startswith("Unterminated string"):
            raise FormatError(_("Le fichier JSON est tronqué : il s’arrête avant la fin. "
                                "Téléchargez l’export à nouveau.")) from None
        raise FormatError(
            _("Le fichier n’est pas un JSON valide (ligne %(line)s, colonne %(column)s).")
            % {"line": error.lineno, "column": error.colno}
        ) from None
    if _depth(document) > MAX_DEPTH:
        raise FormatError(_too_deep())
    return check_document(document)


#: levels of nested arrays and objects a file may have (an OpenAgenda export has about six)
MAX_DEPTH = 32
#: digits an integer of the file may have (identifiers, ages, codes: none comes near)
MAX_DIGITS = 18


class _NumberError(ValueError):
    """A number of the file that no OpenAgenda export holds; the message says which, in French."""


def _too_deep() -> str:
    return _("Le fichier imbrique trop de listes ou d’objets (plus de %(max)s niveaux) : ce "
             "n’est pas un export OpenAgenda.") % {"max": MAX_DEPTH}


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _NumberError(_("Le fichier contient un nombre entier trop grand (« %(start)s… », "
                             "%(digits)s chiffres) : ce n’est pas un export OpenAgenda.")
                           % {"start": text[:12], "digits": len(text.lstrip("-"))})
    return int(text)


def _decimal(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _NumberError(_("Le fichier contient un nombre trop grand pour être lu "
                             "(« %(text)s ») : ce n’est pas un export OpenAgenda.")
                           % {"text": text[:20]})
    return number


def _constant(text: str):
    raise _NumberError(_("Le fichier contient « %(text)s », qui n’est pas un nombre JSON : "
                         "ce n’est pas un export OpenAgenda.") % {"text": text})


def _depth(document) -> int:
    """How deeply arrays and objects nest (counted without recursion)."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        deepest = max(deepest, level)
        if level <= MAX_DEPTH:
            stack.extend((item, level + 1) for item in value if isinstance(item, dict | list))
    return deepest


def check_document(document) -> dict:
    """An OpenAgenda export is an object whose ``events`` is a list of event objects: the API
    v2's answer (``{"total", "after", "events"}``), the agenda's JSON export (``{"total",
    "offset", "limit", "events"}``), a bare list of events, or one event alone (as the API
    answers for one event, ``{"event": {...}}``, or the event object itself)."""
    if isinstance(document, list):  # an export of events alone
        document = {"events": document}
    elif isinstance(document, dict) and "events" not in document:
        if isinstance(document.get("event"), dict):
            document = {**document, "events": [document["event"]]}
        elif "uid" in document and ("title" in document or "timings" in document):
            document = {"events": [document]}
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise FormatError(_("Ce fichier n’est pas un export OpenAgenda : il doit contenir une "
                            "liste « events »."))
    events = document["events"]
    if len(events) > MAX_EVENTS:
        raise FormatError(_("Le fichier contient plus de %(max)s événements : découpez l’export.")
                          % {"max": MAX_EVENTS})
    objects = [event for event in events if isinstance(event, dict)]
    if events and not any("uid" in event and ("title" in event or "timings" in event)
                          for event in objects):
        raise FormatError(_("Ce fichier n’est pas un export OpenAgenda : ses événements n’ont ni "
                            "« uid », ni « title », ni « timings »."))
    agenda = document.get("agenda")
    return {"agenda": agenda if isinstance(agenda, dict) else {}, "events": events}


# --- Reading values -----------------------------------------------------------------------------


def text_of(value, language: str = "fr", *, multiline: bool = False) -> str:
    """A multilingual field (``{"fr": …, "en": …}``) or a plain string, in French first; on one
    line (control characters become spaces) unless ``multiline`` (line breaks kept, other
    control characters dropped)."""
    text = _raw_text(value, language)
    return without_controls(text).strip() if multiline else one_line(text)


def _raw_text(value, language: str) -> str:
    if isinstance(value, dict):
        for key in (language, *sorted(value)):
            item = value.get(key)
            if isinstance(item, str) and item.strip():
                return item.strip()
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def keywords_of(value) -> list[str]:
    if isinstance(value, dict):
        words = []
        for items in value.values():
            if isinstance(items, list):
                words.extend(items)
        value = words
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]

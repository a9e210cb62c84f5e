"""OpenAgenda's event fields and ours, both ways: one source event read into our event's fields,
slots, venue and status (``map_event``), and one of our events in OpenAgenda's shape
(``export_event``).

Mapping (OpenAgenda → semaine):

- ``title``, ``description`` (short), ``longDescription`` (+ ``conditions``): title, summary,
  description; multilingual fields ``{"fr": …, "en": …}`` are read in French first, and their
  languages become the event's languages;
- ``keywords``: formats, themes and audiences whose name or slug matches, and the programme's
  track of the same name (or the one chosen for a keyword);
- ``timings``: slots, stored in UTC. The API v2 names a timing's bounds ``begin``/``end``
  (local time with its offset, ``2022-02-07T10:00:00+0100``), the agenda's JSON export
  (``openagenda.com/agendas/<uid>/events.json``) ``start``/``end`` (UTC, ``…000Z``); both are
  read, local times without offset in ``timezone``. A file of the API read without
  ``detailed=1`` has only ``firstTiming`` and ``lastTiming``: those are imported, and the
  report says so;
- ``location`` (``name``, ``address``, ``postalCode``, ``city``, ``insee``, ``department``,
  ``adminLevel2``/``adminLevel4``, ``latitude``, ``longitude``, ``countryCode``), or the same
  fields flat on the event (``locationName``, ``address``, ``postalCode``…) in the oldest
  exports: a venue of the organisation, reused when one has the same name and commune; its
  département from the INSEE code, the postal code or the name. OpenAgenda's ``address`` is the
  full one (« 12 rue X, 44000 Nantes, France »): the postal code, commune and country that end
  it are taken off the street (the postal code read from it when the file gives none);
- ``attendanceMode`` 1/2/3 and ``onlineAccessLink``: on site, online, mixed;
- ``accessibility`` ``hi``/``vi``/``mi``/``pi``/``ii`` (``mei`` in the JSON export), as an
  object of booleans (API v2) or a list of codes (JSON export): hearing, visual, motor, psychic,
  intellectual;
- ``status`` 1–6: scheduled, rescheduled, moved online, postponed, full, cancelled (through the
  cancellation service, which tells the people registered);
- ``registration`` links (or the JSON export's ``registrationUrl`` text): registration on
  another site (e-mail addresses and phone numbers are added to the description); ``age``
  ``min``/``max`` (0 to 120; a bound out of range, or a minimum above the maximum, is left out
  and the report says so);
- ``tags`` and ``tagGroups`` of the JSON export count as keywords;
- two additional fields (an OpenAgenda agenda may define its own) carry what the standard
  fields do not: ``langues`` (the event's languages) and ``accessibilite-complementaire``
  (``lsf``, ``sous-titrage``), so that a programme exported here imports back whole.

Images are not downloaded (no network at run time): the report says so.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from semaine.agenda.models import (
    LANGUAGE_CHOICES,
    PARIS,
    AttendanceMode,
    Audience,
    Event,
    EventState,
    EventStatus,
    Format,
    Programme,
    RegistrationMode,
    Theme,
    Track,
    paris_isoformat,
)
from semaine.core.text import one_line
from semaine.territory.codes import departement_code
from semaine.territory.models import Departement

from .reader import keywords_of, text_of

#: Most timings of one event (as many slots as the event form takes).
MAX_TIMINGS = 50

STATUS_FROM_SOURCE = {
    1: EventStatus.SCHEDULED, 2: EventStatus.RESCHEDULED, 3: EventStatus.MOVED_ONLINE,
    4: EventStatus.POSTPONED, 5: EventStatus.FULL, 6: EventStatus.CANCELLED,
}
STATUS_TO_SOURCE = {value: key for key, value in STATUS_FROM_SOURCE.items()}
ATTENDANCE_FROM_SOURCE = {1: AttendanceMode.IN_PERSON, 2: AttendanceMode.ONLINE, 3: AttendanceMode.MIXED}
ATTENDANCE_TO_SOURCE = {value: key for key, value in ATTENDANCE_FROM_SOURCE.items()}
ACCESSIBILITY = {
    "hi": "access_hearing", "vi": "access_visual", "mi": "access_motor",
    "pi": "access_psychic", "ii": "access_intellectual",
}
#: The JSON export's code of the intellectual impairment (``ii`` in the API v2).
ACCESSIBILITY_ALIASES = {"mei": "ii"}
#: Ages OpenAgenda accepts (« il n'est pas possible d'annoncer un événement adapté aux personnes
#: d'un âge supérieur à 120 ans »).
MAX_AGE = 120
LANGUAGES = {code for code, _label in LANGUAGE_CHOICES}
#: Additional fields (an OpenAgenda agenda may define its own): what OpenAgenda's standard fields
#: do not say, so that our exports come back whole.
EXTRA_LANGUAGES = "langues"
EXTRA_ACCESSIBILITY = "accessibilite-complementaire"
EXTRA_ACCESS = {"lsf": "access_sign_language", "sous-titrage": "access_captioning"}


class Skip(Exception):  # noqa: N818 - a reason to leave one event out, not a failure
    """One source event cannot be imported; the message (in French) says why."""


# --- Reading one event --------------------------------------------------------------------------


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _url(value) -> str:
    value = text_of(value)
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return ""
    return value[:200]


def _zone(name) -> ZoneInfo:
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return PARIS


def _moment(value, zone: ZoneInfo) -> datetime:
    if not isinstance(value, str):
        raise ValueError
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(ZoneInfo("UTC"))


def _timing_bounds(timing) -> tuple:
    """A timing's start and end, whichever shape names them (``begin`` in the API v2, ``start``
    in the agenda's JSON export)."""
    if not isinstance(timing, dict):
        raise TypeError
    begin = timing.get("begin")
    if begin is None:
        begin = timing.get("start")
    return begin, timing.get("end")


def _timings(raw: dict, edition, notes: list) -> list[tuple[datetime, datetime]]:
    timings = raw.get("timings")
    if timings is None:
        # an API v2 read without ``detailed=1``: only the first and last timings are given
        timings = [item for key in ("firstTiming", "lastTiming")
                   if isinstance(item := raw.get(key), dict)]
        if timings:
            notes.append(_("Le fichier ne donne que le premier et le dernier horaire : exportez "
                           "l’agenda avec tous ses horaires (paramètre « detailed=1 » de l’API)."))
    if not isinstance(timings, list):
        raise Skip(_("« timings » doit être une liste d’horaires ({begin, end} ou {start, end})."))
    if not timings:
        raise Skip(_("Aucun horaire (« timings » vide)."))
    if len(timings) > MAX_TIMINGS:
        raise Skip(_("Plus de %(max)s horaires : découpez cet événement.") % {"max": MAX_TIMINGS})
    location = raw.get("location") if isinstance(raw.get("location"), dict) else {}
    zone = _zone(raw.get("timezone") or location.get("timezone"))
    slots = set()
    for timing in timings:
        try:
            begin, end = _timing_bounds(timing)
            begin, end = _moment(begin, zone), _moment(end, zone)
        except (AttributeError, ValueError, TypeError, OverflowError):
            raise Skip(_("Horaire illisible : chaque horaire a un début (« begin » ou « start ») "
                         "et une fin (« end »), dates ISO 8601.")) from None
        if end <= begin:
            raise Skip(_("Horaire invalide : la fin précède le début."))
        slots.add((begin, end))
    first = datetime.combine(edition.starts_on, time.min, PARIS)
    last = datetime.combine(edition.ends_on, time.max, PARIS)
    if not any(begin <= last and end >= first for begin, end in slots):
        raise Skip(
            _("Horaires hors des dates de l’édition (du %(start)s au %(end)s).")
            % {"start": edition.starts_on.strftime("%d/%m/%Y"),
               "end": edition.ends_on.strftime("%d/%m/%Y")}
        )
    return sorted(slots)


def _coordinate(value, bound: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Skip(_("Coordonnées du lieu invalides.")) from None
    if not -bound <= number <= bound or number != number:  # NaN
        raise Skip(_("Coordonnées du lieu invalides."))
    return number


@dataclass
class Place:
    name: str
    address: str
    postcode: str
    commune: str
    departement: Departement
    latitude: float | None
    longitude: float | None


@dataclass
class Mapped:
    """What one source event becomes: the fields and relations of our event, its slots, its
    place, its status and what the report should say besides."""

    fields: dict
    relations: dict
    slots: list
    status: str
    place: Place | None = None
    notes: list = field(default_factory=list)


class References:
    """Reference lists, départements and the programme's tracks, read once per import."""

    def __init__(self, programme: Programme, track_keywords: dict | None = None):
        self.lists = {}
        for name, model in (("formats", Format), ("themes", Theme), ("audiences", Audience)):
            index = {}
            for item in model.objects.all():
                index[item.slug] = item
                index[slugify(item.name)] = item
            self.lists[name] = index
        self.tracks = {}
        for track in programme.tracks.all():
            self.tracks[track.slug] = track
            self.tracks[slugify(track.name)] = track
        for keyword, track in (track_keywords or {}).items():
            self.tracks[slugify(keyword)] = track
        self.departements = {}
        self.departement_names = {}
        for departement in Departement.objects.all():
            self.departements[departement.code] = departement
            self.departement_names[slugify(departement.name)] = departement

    def departement(self, location: dict) -> Departement | None:
        insee = text_of(location.get("insee")).upper()  # « 2A004 »: the code is its start
        postcode = text_of(location.get("postalCode"))
        for code in (departement_code(insee),
                     departement_code(postcode) if postcode.isdigit() else ""):
            if code in self.departements:
                return self.departements[code]
        for key in ("department", "adminLevel2"):
            name = slugify(text_of(location.get(key)))
            if name in self.departement_names:
                return self.departement_names[name]
        return None


#: Fields of the venue that the oldest JSON exports give flat on the event.
FLAT_LOCATION = {
    "locationName": "name", "address": "address", "postalCode": "postalCode", "city": "city",
    "department": "department", "region": "region", "latitude": "latitude",
    "longitude": "longitude", "insee": "insee",
}
POSTCODE = re.compile(r"^(?:F-?)?(\d{5})\b[\s,]*(.*)$", re.IGNORECASE)
COUNTRIES = {"france", "france metropolitaine", "fr"}


def location_of(raw: dict) -> dict | None:
    """The event's venue: its ``location`` object, or the fields flat on the event."""
    location = raw.get("location")
    if isinstance(location, dict):
        return location
    flat = {ours: raw[theirs] for theirs, ours in FLAT_LOCATION.items() if raw.get(theirs)}
    return flat if flat.get("name") else None


def _same(a: str, b: str) -> bool:
    return bool(a) and slugify(a) == slugify(b)


def street_of(address: str, postcode: str, commune: str) -> tuple[str, str]:
    """The street of OpenAgenda's full address, and its postal code (the one given, else the one
    the address ends with): « 12 rue X, 44000 Nantes, France » → (« 12 rue X », « 44000 »).
    Only what ends the address goes: the country, the commune, the postal code, each alone or
    together (« 79300, Bressuire », « 13200 ARLES »)."""
    parts = [part.strip() for part in address.split(",")]
    while parts:
        last = parts[-1]
        match = POSTCODE.match(last)
        if not last or slugify(last).replace("-", " ") in COUNTRIES or _same(last, commune):
            parts.pop()
        elif match and (not postcode or match.group(1) == postcode):
            postcode = postcode or match.group(1)
            parts.pop()
        else:
            break
    return ", ".join(parts), postcode


def _place(location, references: References) -> Place | None:
    if not isinstance(location, dict) or not text_of(location.get("name")):
        return None
    name = _truncate(text_of(location["name"]), 200)
    commune = text_of(location.get("city")) or text_of(location.get("adminLevel4"))
    postcode = text_of(location.get("postalCode"))
    postcode = postcode if len(postcode) == 5 and postcode.isdigit() else ""
    address, postcode = street_of(text_of(location.get("address")), postcode, commune)
    latitude = _coordinate(location.get("latitude"), 90)
    longitude = _coordinate(location.get("longitude"), 180)
    if (latitude is None) != (longitude is None) or (latitude == 0 and longitude == 0):
        raise Skip(_("Coordonnées du lieu invalides."))
    departement = references.departement({**location, "postalCode": postcode})
    if departement is None:
        raise Skip(_("Lieu « %(name)s » : son département est introuvable (lieu hors de France "
                     "ou sans code postal).") % {"name": name})
    if not commune:
        raise Skip(_("Lieu « %(name)s » sans commune.") % {"name": name})
    return Place(name=name, address=_truncate(address, 250), postcode=postcode,
                 commune=_truncate(commune, 120), departement=departement,
                 latitude=latitude, longitude=longitude)


def _choice(choices: dict, value):
    """A coded field (``status``, ``attendanceMode``): 1 when absent, None when unknown."""
    if value is None:
        value = 1
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    if isinstance(value, str):
        value = int(value) if value.strip().isdigit() else None
    return choices.get(value)


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _kind_of(value: str) -> str:
    if EMAIL.match(value):
        return "email"
    if value.lower().startswith(("http://", "https://", "www.")):
        return "link"
    return "phone" if re.fullmatch(r"[+\d][\d .()-]{5,}", value) else ""


def _registrations(raw: dict) -> list[tuple[str, str]]:
    """The ways to register: the API v2's ``registration`` list of ``{type, value}`` (or of bare
    values, as OpenAgenda takes them in writing), else the JSON export's ``registrationUrl``
    (values separated by commas)."""
    items = raw.get("registration")
    if not isinstance(items, list) or not items:
        text = text_of(raw.get("registrationUrl"))
        items = [part.strip() for part in text.split(",")] if text else []
    found = []
    for item in items:
        if isinstance(item, dict):
            value = text_of(item.get("value"))
            kind = item.get("type") if item.get("type") in ("link", "email", "phone") else ""
            kind = kind or _kind_of(value)
        elif isinstance(item, str):
            value = one_line(item)
            kind = _kind_of(value)
        else:
            continue
        if kind == "link" and value.lower().startswith("www."):
            value = "https://" + value
        if value and kind:
            found.append((kind, value))
    return found


def _ages(age, notes: list) -> tuple[int | None, int | None]:
    """``age: {min, max}``, each 0 to 120; a bound out of range (or a minimum above the
    maximum) is left out and the report says so."""
    if age is None:
        return None, None
    if not isinstance(age, dict):
        notes.append(_("Âge du public illisible (« age » vaut {min, max}) : non importé."))
        return None, None
    bounds = {}
    for key, label in (("min", _("minimal")), ("max", _("maximal"))):
        value = age.get(key)
        if value is None:
            bounds[key] = None
        elif isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_AGE:
            bounds[key] = value
        else:
            bounds[key] = None
            notes.append(_("Âge %(bound)s « %(value)s » hors des bornes (de 0 à %(max)s ans) : "
                           "non importé.") % {"bound": label, "value": str(value)[:20],
                                              "max": MAX_AGE})
    if bounds["min"] is not None and bounds["max"] is not None and bounds["max"] < bounds["min"]:
        notes.append(_("Âge minimal (%(min)s ans) supérieur à l’âge maximal (%(max)s ans) : "
                       "tranche d’âge non importée.") % bounds)
        return None, None
    return bounds["min"], bounds["max"]


def _tags(raw: dict) -> list[str]:
    """The labels of the JSON export's ``tags`` (and of its ``tagGroups``)."""
    tags = raw.get("tags") if isinstance(raw.get("tags"), list) else []
    for group in raw.get("tagGroups") if isinstance(raw.get("tagGroups"), list) else []:
        if isinstance(group, dict) and isinstance(group.get("tags"), list):
            tags = [*tags, *group["tags"]]
    return [text_of(tag.get("label")) for tag in tags
            if isinstance(tag, dict) and text_of(tag.get("label"))]


def map_event(raw: dict, programme: Programme, references: References,
              default_track: Track | None = None) -> Mapped:
    """Read one source event; raise Skip with the reason when it cannot be imported."""
    title = text_of(raw.get("title"))
    if not title:
        raise Skip(_("Titre manquant."))
    notes = []
    slots = _timings(raw, programme.edition, notes)

    summary = text_of(raw.get("description"), multiline=True)
    description = text_of(raw.get("longDescription"), multiline=True)
    if not summary:
        summary = description.split("\n\n", 1)[0] if description else title
    conditions = text_of(raw.get("conditions"), multiline=True)
    if conditions:
        description = f"{description}\n\n**Conditions :** {conditions}".strip()

    mode = _choice(ATTENDANCE_FROM_SOURCE, raw.get("attendanceMode"))
    if mode is None:
        raise Skip(_("Mode de participation inconnu (« attendanceMode » vaut 1, 2 ou 3)."))
    online_url = _url(raw.get("onlineAccessLink"))
    if mode != AttendanceMode.IN_PERSON and not online_url:
        raise Skip(_("Événement en ligne sans lien de participation valide (« onlineAccessLink »)."))
    place = _place(location_of(raw), references) if mode != AttendanceMode.ONLINE else None
    if mode != AttendanceMode.ONLINE and place is None:
        raise Skip(_("Événement sur place sans lieu (« location »)."))

    status = _choice(STATUS_FROM_SOURCE, raw.get("status"))
    if status is None:
        raise Skip(_("Statut inconnu (« status » vaut de 1 à 6)."))

    registration_mode, registration_url, contacts = RegistrationMode.NONE, "", []
    for kind, value in _registrations(raw):
        if kind == "link" and not registration_url and _url(value):
            registration_mode, registration_url = RegistrationMode.EXTERNAL, _url(value)
        elif kind in ("email", "phone") and value:
            contacts.append(value)
    if contacts:
        description = f"{description}\n\n**Inscription :** {', '.join(contacts)}".strip()

    accessibility = raw.get("accessibility")
    if isinstance(accessibility, list):
        accessibility = {code: True for code in accessibility if isinstance(code, str)}
    if not isinstance(accessibility, dict):
        accessibility = {}
    accessibility = {ACCESSIBILITY_ALIASES.get(code, code): value
                     for code, value in accessibility.items()}

    age_min, age_max = _ages(raw.get("age"), notes)

    if isinstance(raw.get(EXTRA_LANGUAGES), list):
        languages = [code for code in raw[EXTRA_LANGUAGES] if code in LANGUAGES]
    elif isinstance(raw.get("title"), dict):
        languages = [code for code in raw["title"] if code in LANGUAGES]
    else:
        languages = []
    extra_access = raw.get(EXTRA_ACCESSIBILITY)
    extra_access = extra_access if isinstance(extra_access, list) else []

    relations = {"formats": [], "themes": [], "audiences": []}
    track = None
    for word in (*keywords_of(raw.get("keywords")), *_tags(raw)):
        key = slugify(word)
        for name, index in references.lists.items():
            item = index.get(key)
            if item is not None and item not in relations[name]:
                relations[name].append(item)
        if track is None:
            track = references.tracks.get(key)
    if raw.get("image"):
        notes.append(_("L’image n’est pas importée : ajoutez-la depuis la fiche de l’événement."))

    fields = {
        "title": _truncate(title, 200),
        "summary": _truncate(summary, 300),
        "description": description,
        "programme": programme,
        "track": track or default_track,
        "attendance_mode": mode,
        "online_url": online_url,
        "age_min": age_min,
        "age_max": age_max,
        "registration_mode": registration_mode,
        "registration_url": registration_url,
        "languages": languages or ["fr"],
        **{name: bool(accessibility.get(code)) for code, name in ACCESSIBILITY.items()},
        **{name: code in extra_access for code, name in EXTRA_ACCESS.items()},
    }
    return Mapped(fields=fields, relations=relations, slots=slots, status=status, place=place,
                  notes=notes)


# --- Writing one event --------------------------------------------------------------------------


def export_event(event: Event, agenda: dict, absolute_url: Callable[[str], str]) -> dict:
    """One of our events in OpenAgenda's shape, read back whole by ``map_event``."""
    keywords = [item.name for item in (*event.formats.all(), *event.themes.all(),
                                        *event.audiences.all())]
    if event.track is not None:
        keywords.append(event.track.name)
    venue = event.venue
    location = None
    if venue is not None:
        location = {
            "uid": venue.pk,
            "name": venue.name,
            "address": ", ".join(part for part in (
                venue.address, f"{venue.postcode} {venue.commune}".strip()) if part),
            "postalCode": venue.postcode or None,
            "city": venue.commune,
            "department": venue.departement.name,
            "region": venue.departement.region.name,
            "countryCode": "FR",
            "latitude": venue.latitude,
            "longitude": venue.longitude,
            "timezone": "Europe/Paris",
        }
    registration = []
    if event.registration_mode == RegistrationMode.EXTERNAL and event.registration_url:
        registration.append({"type": "link", "value": event.registration_url})
    elif event.registration_mode == RegistrationMode.PLATFORM:
        registration.append({"type": "link", "value": absolute_url(event.get_absolute_url())})
    image = None
    if event.image:
        image = {"base": absolute_url(settings.MEDIA_URL), "filename": event.image.name}
    return {
        "uid": str(event.public_id),
        "slug": event.slug,
        "title": {"fr": event.title},
        "description": {"fr": event.summary},
        "longDescription": {"fr": event.description},
        "keywords": {"fr": keywords},
        "timings": [{"begin": paris_isoformat(slot.starts_at), "end": paris_isoformat(slot.ends_at)}
                    for slot in event.slots.all()],
        "timezone": "Europe/Paris",
        "locationUid": venue.pk if venue else None,
        "location": location,
        "attendanceMode": ATTENDANCE_TO_SOURCE[event.attendance_mode],
        "onlineAccessLink": event.online_url or None,
        "accessibility": {code: getattr(event, name) for code, name in sorted(ACCESSIBILITY.items())},
        "age": ({"min": event.age_min, "max": event.age_max}
                if event.age_min is not None or event.age_max is not None else None),
        "registration": registration,
        "status": STATUS_TO_SOURCE[event.status],
        "state": 2 if event.state == EventState.PUBLISHED else 1,
        "image": image,
        "imageCredits": event.image_credit or None,
        "links": [{"link": absolute_url(event.get_absolute_url())}],
        EXTRA_LANGUAGES: list(event.languages),
        EXTRA_ACCESSIBILITY: [code for code, name in EXTRA_ACCESS.items() if getattr(event, name)],
        "originAgenda": agenda,
        "createdAt": event.created_at.isoformat(),
        "updatedAt": event.updated_at.isoformat(),
    }

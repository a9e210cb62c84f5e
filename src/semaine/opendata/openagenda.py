"""OpenAgenda's JSON format (the events of its API v2 and of its agenda exports): import an
export into an organisation's programme, and export a programme in the same shape.

The import writes through the programme's services (``agenda.services``: create and update an
event with its slots, save a venue, change its status or cancel it, submit it), so permissions,
the history and the public ledger apply as on the web pages. Each source event is imported in
its own transaction and gets one line of report; it is recognised on the next import by its
source ids (agenda uid, event uid), so a second import updates and never duplicates.

Mapping (OpenAgenda → semaine):

- ``title``, ``description`` (short), ``longDescription`` (+ ``conditions``): title, summary,
  description; multilingual fields ``{"fr": …, "en": …}`` are read in French first, and their
  languages become the event's languages;
- ``keywords``: formats, themes and audiences whose name or slug matches, and the programme's
  track of the same name (or the one chosen for a keyword);
- ``timings`` (``begin``/``end``, ISO 8601 with offset; local times read in ``timezone``):
  slots, stored in UTC;
- ``location`` (``name``, ``address``, ``postalCode``, ``city``, ``insee``, ``department``,
  ``latitude``, ``longitude``, ``countryCode``): a venue of the organisation, reused when one has
  the same name and commune; its département from the INSEE code, the postal code or the name;
- ``attendanceMode`` 1/2/3 and ``onlineAccessLink``: on site, online, mixed;
- ``accessibility`` ``hi``/``vi``/``mi``/``pi``/``ii``: hearing, visual, motor, psychic,
  intellectual;
- ``status`` 1–6: scheduled, rescheduled, moved online, postponed, full, cancelled (through the
  cancellation service, which tells the people registered);
- ``registration`` links: registration on another site (e-mail addresses and phone numbers are
  added to the description); ``age`` ``min``/``max``;
- two additional fields (an OpenAgenda agenda may define its own) carry what the standard
  fields do not: ``langues`` (the event's languages) and ``accessibilite-complementaire``
  (``lsf``, ``sous-titrage``), so that a programme exported here imports back whole.

Images are not downloaded (no network at run time): the report says so.
"""

import hashlib
import json
import math
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import rfc8785
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from semaine.agenda import services as agenda_services
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
    Venue,
    paris_isoformat,
)
from semaine.agenda.services import SlotData
from semaine.core.text import one_line, without_controls
from semaine.organisers.models import Organisation
from semaine.organisers.permissions import require_member
from semaine.territory.codes import departement_code
from semaine.territory.models import Departement

from .models import ImportStatus, OpenAgendaImport, OpenAgendaLink

#: Largest file accepted (bytes) and most events in one file.
MAX_BYTES = 10 * 1024 * 1024
MAX_EVENTS = 5000
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
LANGUAGES = {code for code, _label in LANGUAGE_CHOICES}
#: Additional fields (an OpenAgenda agenda may define its own): what OpenAgenda's standard fields
#: do not say, so that our exports come back whole.
EXTRA_LANGUAGES = "langues"
EXTRA_ACCESSIBILITY = "accessibilite-complementaire"
EXTRA_ACCESS = {"lsf": "access_sign_language", "sous-titrage": "access_captioning"}


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    ABSENT = "absent"


def outcome_label(outcome: str) -> str:
    labels = {
        Outcome.CREATED: _("Créé"), Outcome.UPDATED: _("Mis à jour"),
        Outcome.UNCHANGED: _("Inchangé"), Outcome.SKIPPED: _("Ignoré"),
        Outcome.ABSENT: _("Absent de la source"),
    }
    return labels.get(outcome, outcome)


class FormatError(ValidationError):
    """The file is not an OpenAgenda export we can read: nothing is written."""


class Skip(Exception):  # noqa: N818 - a reason to leave one event out, not a failure
    """One source event cannot be imported; the message (in French) says why."""


# --- Reading the file ---------------------------------------------------------------------------


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
    """An OpenAgenda export is an object whose ``events`` is a list of event objects."""
    if isinstance(document, list):  # an export of events alone
        document = {"events": document}
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


# --- Reading one event --------------------------------------------------------------------------


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


def _timings(raw: dict, edition) -> list[tuple[datetime, datetime]]:
    timings = raw.get("timings")
    if not isinstance(timings, list) or not timings:
        raise Skip(_("Aucun horaire (« timings » vide)."))
    if len(timings) > MAX_TIMINGS:
        raise Skip(_("Plus de %(max)s horaires : découpez cet événement.") % {"max": MAX_TIMINGS})
    location = raw.get("location") if isinstance(raw.get("location"), dict) else {}
    zone = _zone(raw.get("timezone") or location.get("timezone"))
    slots = set()
    for timing in timings:
        try:
            begin, end = _moment(timing.get("begin"), zone), _moment(timing.get("end"), zone)
        except (AttributeError, ValueError, TypeError):
            raise Skip(_("Horaire illisible : « begin » et « end » doivent être des dates ISO 8601."
                         )) from None
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


def _place(location, references: References) -> Place | None:
    if not isinstance(location, dict) or not text_of(location.get("name")):
        return None
    name = _truncate(text_of(location["name"]), 200)
    commune = text_of(location.get("city")) or text_of(location.get("adminLevel4"))
    postcode = text_of(location.get("postalCode"))
    postcode = postcode if len(postcode) == 5 and postcode.isdigit() else ""
    address = text_of(location.get("address"))
    for suffix in (f"{postcode} {commune}", commune):  # OpenAgenda's address is the full one
        if suffix.strip() and address.lower().endswith(suffix.lower()):
            address = address[: -len(suffix)].rstrip(" ,")
            break
    latitude = _coordinate(location.get("latitude"), 90)
    longitude = _coordinate(location.get("longitude"), 180)
    if (latitude is None) != (longitude is None) or (latitude == 0 and longitude == 0):
        raise Skip(_("Coordonnées du lieu invalides."))
    departement = references.departement(location)
    if departement is None:
        raise Skip(_("Lieu « %(name)s » : son département est introuvable (lieu hors de France "
                     "ou sans code postal).") % {"name": name})
    if not commune:
        raise Skip(_("Lieu « %(name)s » sans commune.") % {"name": name})
    return Place(name=name, address=_truncate(address, 250), postcode=postcode,
                 commune=_truncate(commune, 120), departement=departement,
                 latitude=latitude, longitude=longitude)


def map_event(raw: dict, programme: Programme, references: References,
              default_track: Track | None = None) -> Mapped:
    """Read one source event; raise Skip with the reason when it cannot be imported."""
    title = text_of(raw.get("title"))
    if not title:
        raise Skip(_("Titre manquant."))
    slots = _timings(raw, programme.edition)
    notes = []

    summary = text_of(raw.get("description"), multiline=True)
    description = text_of(raw.get("longDescription"), multiline=True)
    if not summary:
        summary = description.split("\n\n", 1)[0] if description else title
    conditions = text_of(raw.get("conditions"), multiline=True)
    if conditions:
        description = f"{description}\n\n**Conditions :** {conditions}".strip()

    mode = ATTENDANCE_FROM_SOURCE.get(raw.get("attendanceMode") or 1)
    if mode is None:
        raise Skip(_("Mode de participation inconnu (« attendanceMode » vaut 1, 2 ou 3)."))
    online_url = _url(raw.get("onlineAccessLink"))
    if mode != AttendanceMode.IN_PERSON and not online_url:
        raise Skip(_("Événement en ligne sans lien de participation valide (« onlineAccessLink »)."))
    place = _place(raw.get("location"), references) if mode != AttendanceMode.ONLINE else None
    if mode != AttendanceMode.ONLINE and place is None:
        raise Skip(_("Événement sur place sans lieu (« location »)."))

    status = STATUS_FROM_SOURCE.get(raw.get("status") or 1)
    if status is None:
        raise Skip(_("Statut inconnu (« status » vaut de 1 à 6)."))

    registration_mode, registration_url, contacts = RegistrationMode.NONE, "", []
    registrations = raw.get("registration")
    for item in registrations if isinstance(registrations, list) else []:
        if not isinstance(item, dict):
            continue
        kind, value = item.get("type"), text_of(item.get("value"))
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

    age = raw.get("age") if isinstance(raw.get("age"), dict) else {}
    age_min, age_max = age.get("min"), age.get("max")
    age_min = age_min if isinstance(age_min, int) and 0 <= age_min <= 120 else None
    age_max = age_max if isinstance(age_max, int) and 0 <= age_max <= 120 else None
    if age_min is not None and age_max is not None and age_max < age_min:
        age_min = age_max = None

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
    for word in keywords_of(raw.get("keywords")):
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


# --- Importing ----------------------------------------------------------------------------------


@dataclass
class Line:
    """One line of the report."""

    uid: str
    title: str
    outcome: str
    message: str = ""
    event_id: int | None = None

    def as_dict(self) -> dict:
        return {"uid": self.uid, "title": self.title, "outcome": self.outcome,
                "message": self.message, "event_id": self.event_id}


def _fingerprint(raw: dict, options: dict) -> str:
    return hashlib.sha256(rfc8785.dumps({"event": raw, "options": options})).hexdigest()


def _venue(actor, organisation: Organisation, place: Place) -> Venue:
    """The organisation's venue of that name in that commune, or a new one."""
    venue = organisation.venues.filter(name__iexact=place.name, commune__iexact=place.commune
                                       ).order_by("pk").first()
    if venue is None:
        venue = agenda_services.save_venue(actor, organisation, {
            "name": place.name, "address": place.address, "postcode": place.postcode,
            "commune": place.commune, "departement": place.departement,
            "latitude": place.latitude, "longitude": place.longitude,
        })
    return venue


def _existing(organisation: Organisation, agenda_uid: str, uid: str):
    """The link of a source event already imported, or our own event when the file is one of
    our exports (its uid is the event's public id)."""
    link = (OpenAgendaLink.objects.select_related("event")
            .filter(organisation=organisation, source_agenda=agenda_uid, source_uid=uid).first())
    if link is not None:
        return link, link.event
    try:
        public_id = uuid.UUID(uid)
    except ValueError:
        return None, None
    return None, Event.objects.filter(organisation=organisation, public_id=public_id).first()


def _slot_data(event: Event | None, slots: list) -> list[SlotData]:
    existing = {}
    if event is not None:
        for slot in event.slots.all():
            existing.setdefault((slot.starts_at, slot.ends_at), slot)
    data = []
    for begin, end in slots:
        slot = existing.get((begin, end))
        data.append(SlotData(begin, end, slot.capacity if slot else None, slot.pk if slot else None))
    return data


def _apply_status(actor, event: Event, status: str, notes: list) -> bool:
    if event.status == status:
        return False
    if event.status == EventStatus.CANCELLED:
        notes.append(_("Annulé ici, programmé dans la source : l’événement reste annulé."))
        return False
    comment = "Annulé dans OpenAgenda" if status == EventStatus.CANCELLED else "Statut OpenAgenda"
    agenda_services.set_event_status(actor, event, status, comment)
    return True


def _keeps_platform_registration(event: Event, fields: dict) -> bool:
    """People register here: a source without registration, or pointing to this very event
    (one of our exports), leaves it so."""
    if event.registration_mode != RegistrationMode.PLATFORM:
        return False
    url = fields["registration_url"]
    return not url or url.endswith(event.get_absolute_url())


def import_one(actor, programme: Programme, raw: dict, agenda_uid: str, *, references: References,
               default_track: Track | None, options: dict, submit: bool) -> Line:
    """One source event, in one transaction: created, updated, unchanged or skipped."""
    uid = text_of(raw.get("uid"))
    title = text_of(raw.get("title"))
    if not uid:
        return Line("", title, Outcome.SKIPPED, _("Identifiant « uid » manquant."))
    organisation = programme.organisation
    fingerprint = _fingerprint(raw, options)
    link, event = _existing(organisation, agenda_uid, uid)
    if (link is not None and link.fingerprint == fingerprint
            and event.programme_id == programme.pk):
        return Line(uid, title, Outcome.UNCHANGED, event_id=event.pk)
    try:
        mapped = map_event(raw, programme, references, default_track)
        with transaction.atomic():
            if mapped.place is not None:
                mapped.fields["venue"] = _venue(actor, organisation, mapped.place)
            else:
                mapped.fields["venue"] = None
            fields = {**mapped.fields, **mapped.relations}
            if event is None:
                event = agenda_services.create_event(
                    actor, organisation=organisation, edition=programme.edition, fields=fields,
                    slots=_slot_data(None, mapped.slots),
                )
                outcome = Outcome.CREATED
                _apply_status(actor, event, mapped.status, mapped.notes)
            else:
                if _keeps_platform_registration(event, mapped.fields):
                    del fields["registration_mode"], fields["registration_url"]
                revision, status = event.revision, event.status
                event = agenda_services.update_event(
                    actor, event, fields=fields, slots=_slot_data(event, mapped.slots),
                    comment="Import OpenAgenda",
                )
                changed = _apply_status(actor, event, mapped.status, mapped.notes)
                event.refresh_from_db(fields=["revision", "status"])
                changed = changed or event.revision != revision or event.status != status
                outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
            if submit and event.state == EventState.DRAFT:
                try:
                    agenda_services.submit_event(actor, event)
                except ValidationError as error:
                    mapped.notes.extend(error.messages)
            link_fields = {"event": event, "fingerprint": fingerprint,
                           "source_updated_at": text_of(raw.get("updatedAt"))[:40]}
            if link is None:
                # another run linking the same source event first makes this one fail (and its
                # event roll back) on the unique constraint, rather than re-point the link
                OpenAgendaLink.objects.create(organisation=organisation, source_agenda=agenda_uid,
                                              source_uid=uid, **link_fields)
            else:
                OpenAgendaLink.objects.filter(pk=link.pk).update(**link_fields)
    except Skip as reason:
        return Line(uid, title, Outcome.SKIPPED, str(reason))
    except IntegrityError:  # the same source event, imported at the same moment by another run
        return Line(uid, title, Outcome.SKIPPED,
                    _("Importé au même moment par un autre import : relancez l’import."))
    except ValidationError as error:
        return Line(uid, title, Outcome.SKIPPED, " ".join(error.messages))
    return Line(uid, title, outcome, " ".join(str(note) for note in mapped.notes), event.pk)


def _check_tracks(programme: Programme, track: Track | None, track_keywords: dict | None) -> None:
    for item in (track, *(track_keywords or {}).values()):
        if item is not None and item.programme_id != programme.pk:
            raise ValidationError({"track": _("Ce parcours n'appartient pas au programme choisi.")})


def _agenda_uid(document: dict, raw: dict) -> str:
    origin = raw.get("originAgenda")
    if isinstance(origin, dict) and text_of(origin.get("uid")):
        return text_of(origin["uid"])[:64]
    return text_of(document.get("agenda", {}).get("uid"))[:64]


def import_document(actor, programme: Programme, document: dict, *, track: Track | None = None,
                    track_keywords: dict | None = None, submit: bool = False,
                    progress: Callable[[int, int], None] | None = None) -> list[Line]:
    """Import every event of a checked document (``check_document``) into the programme.

    Only the members of the programme's organisation may; each event is imported in its own
    transaction, and the events imported earlier from the same agendas that the file no
    longer holds are reported, never deleted.
    """
    require_member(actor, programme.organisation)
    _check_tracks(programme, track, track_keywords)
    references = References(programme, track_keywords)
    options = {"programme": programme.pk, "track": track.pk if track else None,
               "keywords": sorted((k, t.pk) for k, t in (track_keywords or {}).items()),
               "submit": submit}
    events = document["events"]
    lines, seen = [], {}
    for index, raw in enumerate(events, start=1):
        if not isinstance(raw, dict):
            lines.append(Line("", "", Outcome.SKIPPED, _("Cet élément n’est pas un événement.")))
        else:
            agenda_uid = _agenda_uid(document, raw)
            line = import_one(actor, programme, raw, agenda_uid, references=references,
                              default_track=track, options=options, submit=submit)
            seen.setdefault(agenda_uid, set()).add(line.uid)
            lines.append(line)
        if progress:
            progress(index, len(events))
    lines.extend(_absent(programme, seen))
    return lines


def _absent(programme: Programme, seen: dict) -> Iterable[Line]:
    for agenda_uid, uids in seen.items():
        links = (OpenAgendaLink.objects.filter(organisation=programme.organisation,
                                               source_agenda=agenda_uid, event__programme=programme)
                 .exclude(source_uid__in=uids).select_related("event").order_by("source_uid"))
        for link in links:
            yield Line(link.source_uid, link.event.title, Outcome.ABSENT,
                       _("N’est plus dans la source : l’événement est gardé ici ; annulez-le si "
                         "besoin."), link.event_id)


# --- Import runs (background) -------------------------------------------------------------------


def find_programme(organisation: Organisation, slug: str, edition: str | None = None) -> Programme:
    programmes = Programme.objects.filter(organisation=organisation, slug=slug)
    if edition:
        programmes = programmes.filter(edition__slug=edition)
    found = list(programmes.select_related("edition", "organisation")[:2])
    if len(found) != 1:
        raise ValidationError(
            _("Programme « %(slug)s » introuvable pour cette organisation.") % {"slug": slug}
            if not found else _("Plusieurs éditions ont un programme « %(slug)s » : précisez "
                                "l’édition.") % {"slug": slug}
        )
    return found[0]


@transaction.atomic
def start_import(actor, programme: Programme, document: dict, *, track: Track | None = None,
                 track_keywords: dict | None = None, submit: bool = False,
                 file_name: str = "") -> OpenAgendaImport:
    """Record an import run and queue it for the background worker."""
    require_member(actor, programme.organisation)
    _check_tracks(programme, track, track_keywords)
    run = OpenAgendaImport.objects.create(
        organisation=programme.organisation, programme=programme, track=track, submit=submit,
        track_keywords={keyword: t.pk for keyword, t in (track_keywords or {}).items()},
        created_by=actor, file_name=one_line(file_name)[:200], document=document,
        total=len(document["events"]),
    )
    from .tasks import run_openagenda_import

    transaction.on_commit(lambda: run_openagenda_import.enqueue(run.pk))
    return run


def execute_import(run_id: int) -> OpenAgendaImport | None:
    """Run a queued import, saving its progress after every event and its report at the end."""
    claimed = OpenAgendaImport.objects.filter(pk=run_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    run = OpenAgendaImport.objects.select_related(
        "programme__edition", "programme__organisation", "track", "created_by").get(pk=run_id)

    def progress(done: int, total: int) -> None:
        OpenAgendaImport.objects.filter(pk=run_id).update(processed=done, total=total)

    try:
        if run.created_by is None:
            raise PermissionDenied(_("La personne qui a lancé l’import n’existe plus."))
        tracks = {t.pk: t for t in run.programme.tracks.filter(pk__in=run.track_keywords.values())}
        track_keywords = {keyword: tracks[pk] for keyword, pk in run.track_keywords.items()
                          if pk in tracks}
        lines = import_document(run.created_by, run.programme, run.document, track=run.track,
                                track_keywords=track_keywords, submit=run.submit,
                                progress=progress)
    except (PermissionDenied, ValidationError) as error:
        message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        OpenAgendaImport.objects.filter(pk=run_id).update(
            status=ImportStatus.FAILED, error=message, document=None, finished_at=timezone.now())
    except Exception:
        OpenAgendaImport.objects.filter(pk=run_id).update(
            status=ImportStatus.FAILED, document=None, finished_at=timezone.now(),
            error=_("L’import s’est arrêté sur une erreur inattendue ; les événements déjà "
                    "traités sont enregistrés."))
        raise
    else:
        OpenAgendaImport.objects.filter(pk=run_id).update(
            status=ImportStatus.DONE, report=[line.as_dict() for line in lines], document=None,
            processed=run.total, finished_at=timezone.now())
    run.refresh_from_db()
    return run


# --- Exporting ----------------------------------------------------------------------------------


def agenda_uid_of(programme: Programme) -> str:
    return f"semaine:{programme.edition.slug}:{programme.slug}"[:64]


def _export_event(event: Event, agenda: dict, absolute_url: Callable[[str], str]) -> dict:
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


def programme_events(programme: Programme, *, published_only: bool = True):
    from django.db.models import Prefetch

    from semaine.agenda.models import Slot

    events = Event.objects.filter(programme=programme)
    if published_only:
        events = events.filter(state=EventState.PUBLISHED)
    return (events.select_related("venue__departement__region", "track", "edition")
            .prefetch_related(Prefetch("slots", queryset=Slot.objects.order_by("starts_at", "pk")),
                              "formats", "themes", "audiences")
            .defer("search_vector", "facets")
            .order_by("first_starts_at", "pk"))


def export_programme(programme: Programme, *, published_only: bool = True,
                     absolute_url: Callable[[str], str] | None = None) -> dict:
    """The programme's events in OpenAgenda's shape (``{"agenda", "total", "events"}``)."""
    absolute_url = absolute_url or (lambda path: settings.SITE_URL.rstrip("/") + path)
    agenda = {"uid": agenda_uid_of(programme), "title": programme.title,
              "slug": programme.slug}
    events = [_export_event(event, agenda, absolute_url)
              for event in programme_events(programme, published_only=published_only)]
    return {"agenda": {**agenda, "description": {"fr": programme.description},
                       "url": absolute_url(programme.get_absolute_url())},
            "total": len(events), "events": events}

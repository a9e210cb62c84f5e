"""The demo's content, read from the YAML files of ``seed/data`` (their shape is described in
``seed/data/README.md``) and checked before anything is written: a file that cannot be used
raises a ``DemoDataError`` naming the file, the entry and what is wrong with it."""

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from semaine.agenda import reference
from semaine.agenda.models import (
    ACCESSIBILITY_FIELDS,
    LANGUAGE_CHOICES,
    AttendanceMode,
    EventState,
    RegistrationMode,
)
from semaine.organisers.identifiers import clean_siret
from semaine.organisers.models import OrganisationKind
from semaine.registrations.models import AccessNeed

PARIS = ZoneInfo("Europe/Paris")
DATA_DIR = Path(__file__).resolve().parent / "data"

ACCOUNTS_FILE = "accounts.yaml"
ORGANISATIONS_FILE = "organisations.yaml"
VENUES_FILE = "venues.yaml"
PAST_EDITION_FILE = "edition-2017.yaml"
UPCOMING_EDITION_FILE = "edition-a-venir.yaml"

FORMATS = {slugify(name) for name in reference.FORMATS}
THEMES = {slugify(name) for name in reference.THEMES}
AUDIENCES = {slugify(name) for name in reference.AUDIENCES}
ACCESSIBILITY = {name.removeprefix("access_") for name, _label in ACCESSIBILITY_FIELDS}
LANGUAGES = {code for code, _label in LANGUAGE_CHOICES}
#: The states an event of the demo can be left in.
EVENT_STATES = {EventState.DRAFT, EventState.SUBMITTED, EventState.PUBLISHED}

#: One slot: "21 10:00-12:00", or across days "24 09:00-25 18:00" (days counted from day "1").
SLOT = re.compile(r"(\d{1,2}) (\d\d):(\d\d)-(?:(\d{1,2}) )?(\d\d):(\d\d)")


class DemoDataError(ValueError):
    """A data file of the demo that cannot be used."""


@dataclass(frozen=True)
class Person:
    email: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class OrganisationData:
    key: str
    name: str
    kind: str
    departement: str | None
    website: str
    approved: bool
    editor: Person
    description: str
    siret: str = ""
    insee_code: str = ""


@dataclass(frozen=True)
class VenueData:
    organisation: str
    name: str
    address: str
    postcode: str
    commune: str
    departement: str
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class TrackData:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class ProgrammeData:
    title: str
    description: str
    tracks: list[TrackData]


@dataclass(frozen=True)
class EventData:
    """One event; ``slots`` are "day HH:MM-HH:MM" (or "day HH:MM-day HH:MM"), day "1" being the
    edition file's first day."""

    organisation: str
    title: str
    summary: str
    detail: str
    slots: list[str]
    formats: list[str]
    themes: list[str]
    audiences: list[str]
    key: str = ""
    venue: str | None = None
    track: str | None = None
    state: str = EventState.PUBLISHED
    registration: str = RegistrationMode.NONE
    capacity: int | None = None
    per_slot: bool = True
    attendance: str | None = None  # by default, online without a venue and on site with one
    accessibility: list[str] | None = None  # by default, "motor" on site and none online
    co_organisers: list[str] = field(default_factory=list)
    age_min: int | None = None
    age_max: int | None = None
    languages: list[str] = field(default_factory=lambda: ["fr"])
    online_url: str = ""
    registration_url: str = ""


@dataclass(frozen=True)
class PartData:
    """Events loaded together, announced by ``progress``; with their organiser's programme."""

    progress: str
    programme: ProgrammeData | None
    organisation: str | None
    events: list[EventData]


@dataclass(frozen=True)
class SeatData:
    """A registration: ``person`` and ``slot`` are positions counted from 0."""

    person: int
    slot: int = 0
    needs: list[str] = field(default_factory=list)
    other: str = ""


@dataclass(frozen=True)
class EditionData:
    """An edition's fields (``{year}`` in the upcoming edition's name, description and links
    stands for its year), the path of its events' illustrative links, its events; the upcoming
    edition also has people registered to its events."""

    fields: dict
    links: str
    parts: list[PartData]
    first_day: date | None = None  # day "1" of the slots; the edition's first day when None
    attendees: list[Person] = field(default_factory=list)
    registrations: dict[str, list[SeatData]] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.fields["slug"]

    @property
    def events(self) -> list[EventData]:
        return [event for part in self.parts for event in part.events]


@dataclass(frozen=True)
class DemoData:
    password: str
    coordinator: Person
    administrator: Person
    approval_note: str
    organisations: list[OrganisationData]
    venues: dict[str, VenueData]
    past: EditionData
    upcoming: EditionData


def attendee_email(position: int) -> str:
    """The address of the upcoming edition's attendee at ``position`` (from 0)."""
    return f"participant{position + 1:02d}@exemple.fr"


def read_slots(specs: list[str], first_day: date) -> list[tuple[datetime, datetime]]:
    """Starts and ends of ``specs`` in Paris time, day "1" being ``first_day``."""

    def at(day: str, hour: str, minute: str) -> datetime:
        return datetime.combine(first_day + timedelta(days=int(day) - 1),
                                time(int(hour), int(minute)), tzinfo=PARIS)

    slots = []
    for spec in specs:
        match = SLOT.fullmatch(spec.strip())
        if match is None:
            raise ValueError(f"créneau illisible : « {spec} » (attendu par exemple "
                             f"« 21 10:00-12:00 » ou « 24 09:00-25 18:00 »)")
        day, h1, m1, end_day, h2, m2 = match.groups()
        starts_at, ends_at = at(day, h1, m1), at(end_day or day, h2, m2)
        if ends_at <= starts_at:
            raise ValueError(f"le créneau « {spec} » finit avant de commencer")
        slots.append((starts_at, ends_at))
    return slots


# Reading the files


_MISSING = object()


class _Entry:
    """One mapping of a data file, read field by field; every problem names the file and the
    entry (``where``)."""

    def __init__(self, file: "_File", where: str, value, fields: tuple[str, ...],
                 named_by: str = ""):
        self.file, self.where = file, where
        if not isinstance(value, dict):
            self.fail("une liste de champs « nom: valeur » est attendue")
        self.value = value
        if isinstance(value.get(named_by), str):
            self.where += f" (« {value[named_by]} »)"
        unknown = [str(name) for name in value if name not in fields]
        if unknown:
            self.fail(f"champ inconnu « {unknown[0]} » (champs possibles : {', '.join(fields)})")

    def fail(self, problem: str):
        raise DemoDataError(f"{self.file.path}, {self.where} : {problem}")

    def has(self, name: str) -> bool:
        return name in self.value

    def get(self, name: str, kind: type | tuple = str, default=_MISSING, *, choices=None):
        if name not in self.value:
            if default is _MISSING:
                self.fail(f"le champ « {name} » manque")
            return default
        value = self.value[name]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        # True and False are ints for Python, never for the files.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            self.fail(f"« {name} » : {_KIND_NAMES.get(kinds[0], kinds[0].__name__)} attendu, "
                      f"pas « {value} »{_QUOTE_HINT if kinds[0] is str else ''}")
        if choices is not None and value not in choices:
            if isinstance(choices, range):
                self.fail(f"« {name} » : un nombre de {choices.start} à {choices.stop - 1} est "
                          f"attendu, pas {value}")
            self.fail(f"« {name} » : « {value} » inconnu (valeurs possibles : "
                      f"{', '.join(sorted(choices))})")
        return value

    def words(self, name: str, choices=None, default=_MISSING) -> list[str]:
        """A list of words (``[a, b]``), each among ``choices`` when given."""
        values = self.get(name, list, default)
        if values is default:
            return values
        for value in values:
            if not isinstance(value, str):
                self.fail(f"« {name} » : « {value} » n'est pas un mot{_QUOTE_HINT}")
            if choices is not None and value not in choices:
                self.fail(f"« {name} » : « {value} » inconnu (valeurs possibles : "
                          f"{', '.join(sorted(choices))})")
        return values

    def entry(self, name: str, fields: tuple[str, ...], where: str = "") -> "_Entry":
        return _Entry(self.file, where or f"{self.where}, « {name} »", self.get(name, dict), fields)


_KIND_NAMES = {str: "un texte", int: "un nombre entier", float: "un nombre", bool: "true ou false",
               list: "une liste", dict: "une liste de champs", date: "une date (AAAA-MM-JJ)"}
_QUOTE_HINT = " (mettre le texte entre guillemets)"


class _File:
    def __init__(self, directory: Path, name: str):
        self.path = directory / name
        try:
            with self.path.open(encoding="utf-8") as stream:
                self.value = yaml.safe_load(stream)
        except OSError as exc:
            raise DemoDataError(f"{self.path} : fichier illisible ({exc.strerror})") from exc
        except yaml.YAMLError as exc:
            raise DemoDataError(f"{self.path} : YAML illisible ({exc})") from exc

    def root(self, fields: tuple[str, ...]) -> _Entry:
        return _Entry(self, "début du fichier", self.value, fields)


_PERSON = ("email", "first_name", "last_name")


def _person(entry: _Entry) -> Person:
    return Person(entry.get("email"), entry.get("first_name"), entry.get("last_name"))


def _organisations(directory: Path) -> tuple[str, list[OrganisationData]]:
    root = _File(directory, ORGANISATIONS_FILE).root(("approval_note", "organisations"))
    organisations = []
    for position, value in enumerate(root.get("organisations", list), start=1):
        item = _Entry(root.file, f"organisation n° {position}", value, (
            "key", "name", "kind", "departement", "website", "approved", "editor", "description",
            "siret", "insee_code"), named_by="key")
        organisations.append(OrganisationData(
            key=item.get("key"), name=item.get("name"),
            kind=item.get("kind", choices=set(OrganisationKind.values)),
            departement=item.get("departement", str, None), website=item.get("website", str, ""),
            approved=item.get("approved", bool), editor=_person(item.entry("editor", _PERSON)),
            description=item.get("description"), siret=item.get("siret", str, ""),
            insee_code=item.get("insee_code", str, ""),
        ))
        try:
            clean_siret(organisations[-1].siret)
        except ValidationError as error:
            item.fail(f"« siret » : {error.messages[0]}")
    keys = [organisation.key for organisation in organisations]
    if len(set(keys)) != len(keys):
        twice = next(key for key in keys if keys.count(key) > 1)
        root.fail(f"la clé « {twice} » désigne deux organisations")
    return root.get("approval_note"), organisations


def _venues(directory: Path, organisations: set[str]) -> dict[str, VenueData]:
    root = _File(directory, VENUES_FILE).root(("venues",))
    venues = {}
    for key, value in root.get("venues", dict).items():
        item = _Entry(root.file, f"lieu « {key} »", value, (
            "organisation", "name", "address", "postcode", "commune", "departement",
            "latitude", "longitude"))
        venues[str(key)] = VenueData(
            organisation=item.get("organisation", choices=organisations), name=item.get("name"),
            address=item.get("address"), postcode=item.get("postcode"),
            commune=item.get("commune"), departement=item.get("departement"),
            latitude=item.get("latitude", (float, int), None),
            longitude=item.get("longitude", (float, int), None),
        )
    return venues


_EVENT = tuple(name for name in EventData.__dataclass_fields__)


class _EditionReader:
    def __init__(self, directory: Path, name: str, *, organisations: set[str],
                 venues: dict[str, VenueData], upcoming: bool):
        self.organisations, self.venues, self.upcoming = organisations, venues, upcoming
        fields = ("edition", "links", "parts")
        fields += ("attendees", "registrations") if upcoming else ("first_day",)
        self.root = _File(directory, name).root(fields)

    def read(self) -> EditionData:
        root = self.root
        edition = root.entry("edition", ("slug", "name", "is_current", "theme_of_year", "description")
                             if self.upcoming else
                             ("slug", "name", "starts_on", "ends_on", "submission_deadline",
                              "is_current", "theme_of_year", "description"))
        fields = {name: edition.get(name) for name in ("slug", "name", "theme_of_year", "description")}
        fields["is_current"] = edition.get("is_current", bool)
        if self.upcoming:
            for name in ("name", "description"):
                self._template(edition, name, fields[name])
            self._template(root, "links", root.get("links"))
        else:
            fields["starts_on"] = edition.get("starts_on", date)
            fields["ends_on"] = edition.get("ends_on", date)
            fields["submission_deadline"] = self._datetime(edition, "submission_deadline")
        first_day = None if self.upcoming else root.get("first_day", date)
        parts = [self._part(position, value)
                 for position, value in enumerate(root.get("parts", list), start=1)]
        data = EditionData(fields=fields, links=root.get("links"), parts=parts, first_day=first_day)
        if self.upcoming:
            data = self._registrations(data)
        return data

    @staticmethod
    def _template(entry: _Entry, name: str, text: str) -> None:
        try:
            text.format(year=2000)
        except (KeyError, IndexError, ValueError):
            entry.fail(f"« {name} » : seul « {{year}} » peut figurer entre accolades")

    @staticmethod
    def _datetime(entry: _Entry, name: str) -> datetime:
        value = entry.get(name, (str, datetime))
        if isinstance(value, str):
            try:
                value = datetime.strptime(value.strip(), "%Y-%m-%d %H:%M")
            except ValueError:
                entry.fail(f"« {name} » : « AAAA-MM-JJ HH:MM » attendu, pas « {value} »")
        return value.replace(tzinfo=PARIS) if value.tzinfo is None else value

    def _part(self, position: int, value) -> PartData:
        part = _Entry(self.root.file, f"partie n° {position}", value,
                      ("progress", "organisation", "programme", "events"), named_by="progress")
        progress = part.get("progress")
        organisation = part.get("organisation", str, None, choices=self.organisations)
        programme = None
        if part.has("programme"):
            entry = part.entry("programme", ("title", "description", "tracks"))
            tracks = []
            for number, track in enumerate(entry.get("tracks", list, []), start=1):
                track = _Entry(entry.file, f"{entry.where}, parcours n° {number}", track,
                               ("slug", "name", "description"))
                tracks.append(TrackData(track.get("slug"), track.get("name"), track.get("description")))
            programme = ProgrammeData(entry.get("title"), entry.get("description"), tracks)
        events = [self._event(part, number, event, organisation, programme)
                  for number, event in enumerate(part.get("events", list), start=1)]
        return PartData(progress=progress, programme=programme, organisation=organisation,
                        events=events)

    def _event(self, part: _Entry, number: int, value, organisation: str | None,
               programme: ProgrammeData | None) -> EventData:
        item = _Entry(part.file, f"{part.where}, événement n° {number}", value, _EVENT,
                      named_by="title")
        values = {
            "organisation": item.get("organisation", str, organisation, choices=self.organisations),
            "title": item.get("title"), "summary": item.get("summary"),
            "detail": item.get("detail"),
            "slots": item.words("slots"),
            "formats": item.words("formats", FORMATS),
            "themes": item.words("themes", THEMES),
            "audiences": item.words("audiences", AUDIENCES),
            "key": item.get("key", str, ""),
            "venue": item.get("venue", str, None, choices=set(self.venues)),
            "track": item.get("track", str, None,
                              choices={track.slug for track in programme.tracks} if programme else set()),
            "state": item.get("state", str, EventState.PUBLISHED, choices=EVENT_STATES),
            "registration": item.get("registration", str, RegistrationMode.NONE,
                                     choices=set(RegistrationMode.values)),
            "capacity": item.get("capacity", int, None),
            "per_slot": item.get("per_slot", bool, True),
            "attendance": item.get("attendance", str, None, choices=set(AttendanceMode.values)),
            "accessibility": item.words("accessibility", ACCESSIBILITY, None),
            "co_organisers": item.words("co_organisers", self.organisations, []),
            "age_min": item.get("age_min", int, None),
            "age_max": item.get("age_max", int, None),
            "languages": item.words("languages", LANGUAGES, ["fr"]),
            "online_url": item.get("online_url", str, ""),
            "registration_url": item.get("registration_url", str, ""),
        }
        if values["organisation"] is None:
            item.fail("le champ « organisation » manque (ni l'événement ni sa partie ne le donnent)")
        if not values["slots"]:
            item.fail("« slots » : au moins un créneau est attendu")
        if values["capacity"] is not None and values["capacity"] < 1:
            item.fail("« capacity » : au moins une place est attendue")
        try:
            read_slots(values["slots"], date(2000, 1, 1))
        except ValueError as exc:
            item.fail(f"« slots » : {exc}")
        return EventData(**values)

    def _registrations(self, data: EditionData) -> EditionData:
        root = self.root
        attendees = []
        for position, value in enumerate(root.get("attendees", list), start=1):
            person = _Entry(root.file, f"participant n° {position}", value,
                            ("first_name", "last_name"))
            attendees.append(Person(attendee_email(position - 1), person.get("first_name"),
                                    person.get("last_name")))
        events = {event.key: event for event in data.events if event.key}
        registrations = {}
        for key, seats in root.get("registrations", dict).items():
            where = f"inscriptions à « {key} »"
            if key not in events:
                root.fail(f"« registrations » : aucun événement n'a la clé « {key} » (clés : "
                          f"{', '.join(events)})")
            if not isinstance(seats, list):
                root.fail(f"{where} : une liste d'inscriptions est attendue")
            registrations[key] = []
            for number, value in enumerate(seats, start=1):
                seat = _Entry(root.file, f"{where}, inscription n° {number}", value,
                              ("person", "slot", "needs", "other"))
                person = seat.get("person", int, choices=range(1, len(attendees) + 1))
                slot = seat.get("slot", int, 1, choices=range(1, len(events[key].slots) + 1))
                registrations[key].append(SeatData(
                    person=person - 1, slot=slot - 1,
                    needs=seat.words("needs", set(AccessNeed.values), []),
                    other=seat.get("other", str, ""),
                ))
        return EditionData(fields=data.fields, links=data.links, parts=data.parts,
                           first_day=data.first_day, attendees=attendees,
                           registrations=registrations)


@functools.cache
def demo_data(directory: Path = DATA_DIR) -> DemoData:
    """The demo's content, read from ``directory`` and checked (``DemoDataError`` otherwise)."""
    accounts = _File(directory, ACCOUNTS_FILE).root(("password", "coordinator", "administrator"))
    approval_note, organisations = _organisations(directory)
    keys = {organisation.key for organisation in organisations}
    venues = _venues(directory, keys)
    past, upcoming = (
        _EditionReader(directory, name, organisations=keys, venues=venues, upcoming=is_upcoming).read()
        for name, is_upcoming in ((PAST_EDITION_FILE, False), (UPCOMING_EDITION_FILE, True))
    )
    return DemoData(
        password=accounts.get("password"),
        coordinator=_person(accounts.entry("coordinator", _PERSON)),
        administrator=_person(accounts.entry("administrator", _PERSON)),
        approval_note=approval_note, organisations=organisations, venues=venues,
        past=past, upcoming=upcoming,
    )


# The consultations


CONSULTATIONS_FILE = "consultation-2017.yaml"
_PHASES = ("information", "proposals", "supports", "analysis", "answers")
_ALIGNMENTS = {"for", "against", "neutral"}
_ANSWERS = {"accepted", "studying", "not_retained"}


@dataclass(frozen=True)
class CommentData:
    by: int
    alignment: str
    body: str
    hidden: str = ""
    replies: list["CommentData"] = field(default_factory=list)


@dataclass(frozen=True)
class ProposalData:
    title: str
    body: str
    category: str
    by: int | None
    commune: str
    supporters: list[int]
    comments: list[CommentData]
    answer: str
    justification: str


@dataclass(frozen=True)
class ConsultationData:
    organisation: str
    fields: dict
    phases: dict[str, tuple[date, date]]
    categories: list[str]
    workshop: str
    participants: list[Person]
    proposals: list[ProposalData]


def _comment(entry: _Entry, people: int, *, reply: bool = False) -> CommentData:
    by = entry.get("by", int, choices=range(1, people + 1))
    replies = []
    if not reply:
        for n, value in enumerate(entry.get("replies", list, []), start=1):
            replies.append(_comment(_Entry(entry.file, f"{entry.where}, réponse n° {n}", value,
                                           ("by", "alignment", "body", "hidden")), people, reply=True))
    return CommentData(by=by, alignment=entry.get("alignment", choices=_ALIGNMENTS),
                       body=entry.get("body"), hidden=entry.get("hidden", str, ""), replies=replies)


def consultations_data(directory: Path = DATA_DIR) -> list[ConsultationData]:
    """The demo's consultations, read from ``directory`` and checked."""
    root = _File(directory, CONSULTATIONS_FILE).root(("consultations",))
    consultations = []
    for position, value in enumerate(root.get("consultations", list), start=1):
        item = _Entry(root.file, f"consultation n° {position}", value, (
            "organisation", "title", "question", "people_concerned", "departement", "context",
            "phases", "proposals_per_person", "supports_per_person", "categories", "workshop",
            "participants", "proposals"), named_by="title")
        phases_entry = item.entry("phases", _PHASES)
        phases = {}
        for phase in _PHASES:
            pair = phases_entry.get(phase, list)
            if len(pair) != 2 or not all(isinstance(day, date) for day in pair) or pair[1] < pair[0]:
                phases_entry.fail(f"« {phase} » : deux dates (AAAA-MM-JJ) dans l’ordre sont attendues")
            phases[phase] = (pair[0], pair[1])
        participants = [_person(_Entry(root.file, f"{item.where}, participant n° {n}", person, _PERSON))
                        for n, person in enumerate(item.get("participants", list), start=1)]
        categories = item.words("categories")
        proposals = []
        for n, proposal in enumerate(item.get("proposals", list), start=1):
            entry = _Entry(root.file, f"{item.where}, proposition n° {n}", proposal, (
                "title", "by", "category", "commune", "body", "supporters", "comments", "answer",
                "justification"), named_by="title")
            supporters = entry.get("supporters", list, [])
            if not all(isinstance(s, int) and 1 <= s <= len(participants) for s in supporters):
                entry.fail("« supporters » : des numéros de participants sont attendus")
            proposals.append(ProposalData(
                title=entry.get("title"), body=entry.get("body"),
                category=entry.get("category", choices=set(categories)),
                by=entry.get("by", int, None, choices=range(1, len(participants) + 1)),
                commune=entry.get("commune", str, ""), supporters=supporters,
                comments=[_comment(_Entry(root.file, f"{entry.where}, commentaire n° {c}", comment,
                                          ("by", "alignment", "body", "hidden", "replies")),
                                   len(participants))
                          for c, comment in enumerate(entry.get("comments", list, []), start=1)],
                answer=entry.get("answer", str, "", choices=_ANSWERS | {""}),
                justification=entry.get("justification", str, ""),
            ))
        consultations.append(ConsultationData(
            organisation=item.get("organisation"),
            fields={"title": item.get("title"), "question": item.get("question"),
                    "people_concerned": item.get("people_concerned", str, ""),
                    "context": item.get("context", str, ""),
                    "proposals_per_person": item.get("proposals_per_person", int, 3),
                    "supports_per_person": item.get("supports_per_person", int, None)},
            phases=phases, categories=categories, workshop=item.get("workshop", str, ""),
            participants=participants, proposals=proposals,
        ))
        consultations[-1].fields["departement"] = item.get("departement", str, None)
    return consultations

"""Open data exports of an edition's public programme: CSV (with its Table Schema), JSON-LD and
GeoJSON, one record per slot.

Only published events are exported (cancelled ones included, marked so), never drafts, never
personal data: what the event pages show, no more. Every export is a generator: events are read
``CHUNK_SIZE`` at a time (``QuerySet.iterator``; ``attach_related`` reads their slots and lists
chunk by chunk), turned into text and handed out in pieces of about ``PIECE_SIZE`` bytes, so
that memory stays the same whatever the size of the edition, in a fixed number of queries per
chunk.
"""

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import NamedTuple

from django.db.models import Count, Max, Q

from semaine.agenda import jsonld, search
from semaine.agenda.geo import GEOJSON_TYPE, feature
from semaine.agenda.models import (
    AttendanceMode,
    Edition,
    Event,
    EventHistory,
    EventStatus,
    RegistrationMode,
    Slot,
    paris_isoformat,
)
from semaine.agenda.queries import PREFETCHED, prefetched
from semaine.core.spreadsheet import neutralise_formula
from semaine.registrations.services import capacity_of

#: Events read per database round trip (with their slots, themes, formats… prefetched).
CHUNK_SIZE = 1000
#: Bytes gathered before a piece of the response is handed to the server.
PIECE_SIZE = 64 * 1024
#: Raised when the columns or the meaning of a value change (part of the ETag).
FORMAT_VERSION = "1"
LIST_SEPARATOR = ";"
LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}

STATUS_CODES = {
    EventStatus.SCHEDULED: "programme",
    EventStatus.RESCHEDULED: "reprogramme",
    EventStatus.MOVED_ONLINE: "passe_en_ligne",
    EventStatus.POSTPONED: "reporte",
    EventStatus.FULL: "complet",
    EventStatus.CANCELLED: "annule",
}
ATTENDANCE_CODES = {
    AttendanceMode.IN_PERSON: "sur_place",
    AttendanceMode.ONLINE: "en_ligne",
    AttendanceMode.MIXED: "mixte",
}
REGISTRATION_CODES = {
    RegistrationMode.NONE: "sans_inscription",
    RegistrationMode.PLATFORM: "sur_la_plateforme",
    RegistrationMode.EXTERNAL: "sur_un_autre_site",
}
#: Accessibility flags of an event (``ACCESSIBILITY_FIELDS``) → CSV column.
ACCESSIBILITY_COLUMNS = {
    "access_hearing": "accessibilite_handicap_auditif",
    "access_visual": "accessibilite_handicap_visuel",
    "access_motor": "accessibilite_handicap_moteur",
    "access_psychic": "accessibilite_handicap_psychique",
    "access_intellectual": "accessibilite_handicap_mental",
    "access_sign_language": "accessibilite_langue_des_signes",
    "access_captioning": "accessibilite_sous_titrage",
}
ACCESSIBILITY_DESCRIPTIONS = [
    ("accessibilite_handicap_auditif", "Accessible aux personnes en situation de handicap auditif."),
    ("accessibilite_handicap_visuel", "Accessible aux personnes en situation de handicap visuel."),
    ("accessibilite_handicap_moteur", "Accessible aux personnes en situation de handicap moteur."),
    ("accessibilite_handicap_psychique", "Accessible aux personnes en situation de handicap psychique."),
    ("accessibilite_handicap_mental", "Accessible aux personnes en situation de handicap mental."),
    ("accessibilite_langue_des_signes", "Interprétation en langue des signes française (LSF)."),
    ("accessibilite_sous_titrage", "Sous-titrage ou vélotypie."),
]
_LIST = " Liste séparée par des points-virgules (« ; ») ; un point-virgule dans un nom devient une virgule."
_CODE_LIST = " Codes : {codes}."


def _codes(mapping: dict) -> list[str]:
    return list(mapping.values())


#: The columns of the CSV, in order: (name, Table Schema type, description, more properties).
FIELDS: list[tuple[str, str, str, dict]] = [
    ("identifiant", "string",
     "Identifiant stable du créneau : identifiant de l’événement, tiret, numéro du créneau.",
     {"constraints": {"required": True, "unique": True,
                      "pattern": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9]+"}}),
    ("identifiant_evenement", "string",
     "Identifiant stable de l’événement (UUID) : commun à tous ses créneaux.",
     {"format": "uuid", "constraints": {"required": True}}),
    ("identifiant_creneau", "integer", "Numéro du créneau, unique sur la plateforme.",
     {"constraints": {"required": True, "minimum": 1}}),
    ("titre", "string", "Titre de l’événement.", {"constraints": {"required": True}}),
    ("resume", "string", "Résumé de l’événement (texte brut).", {}),
    ("url", "string", "Adresse de la page de l’événement sur la plateforme.",
     {"format": "uri", "constraints": {"required": True}}),
    ("edition", "string", "Identifiant court de l’édition (par exemple 2017).",
     {"constraints": {"required": True}}),
    ("date_debut", "datetime",
     "Début du créneau, ISO 8601 en heure de Paris avec son décalage (par exemple "
     "2017-11-20T09:00:00+01:00).", {"constraints": {"required": True}}),
    ("date_fin", "datetime", "Fin du créneau, ISO 8601 en heure de Paris avec son décalage.",
     {"constraints": {"required": True}}),
    ("statut", "string",
     "Statut du créneau : celui de l’événement, ou « annule » si l’événement ou ce créneau est "
     "annulé." + _CODE_LIST.format(codes=", ".join(_codes(STATUS_CODES))),
     {"constraints": {"required": True, "enum": _codes(STATUS_CODES)}}),
    ("mode_participation", "string",
     "Participation sur place, en ligne ou les deux." + _CODE_LIST.format(
         codes=", ".join(_codes(ATTENDANCE_CODES))),
     {"constraints": {"required": True, "enum": _codes(ATTENDANCE_CODES)}}),
    ("lien_en_ligne", "string", "Lien de participation en ligne, s’il y en a un.", {"format": "uri"}),
    ("lieu", "string", "Nom du lieu (vide pour un événement en ligne).", {}),
    ("adresse", "string", "Adresse du lieu (numéro et voie).", {}),
    ("code_postal", "string", "Code postal du lieu.", {"constraints": {"pattern": "[0-9]{5}"}}),
    ("commune", "string", "Commune du lieu.", {}),
    ("code_departement", "string", "Code INSEE (COG) du département du lieu.",
     {"constraints": {"pattern": "[0-9]{2}|2A|2B|[0-9]{3}"}}),
    ("departement", "string", "Nom du département du lieu.", {}),
    ("code_region", "string", "Code INSEE (COG) de la région du lieu.",
     {"constraints": {"pattern": "[0-9]{2}"}}),
    ("region", "string", "Nom de la région du lieu.", {}),
    ("latitude", "number", "Latitude du lieu, degrés décimaux (WGS 84).",
     {"constraints": {"minimum": -90, "maximum": 90}}),
    ("longitude", "number", "Longitude du lieu, degrés décimaux (WGS 84).",
     {"constraints": {"minimum": -180, "maximum": 180}}),
    ("position_approximative", "boolean",
     "Vrai quand le lieu est placé au centre de sa commune ou de son département (son adresse "
     "n’a pas été trouvée).", {}),
    ("organisateur", "string", "Organisation qui publie l’événement.",
     {"constraints": {"required": True}}),
    ("site_organisateur", "string", "Site web de l’organisateur.", {"format": "uri"}),
    ("co_organisateurs", "string", "Organisations co-organisatrices." + _LIST, {}),
    ("programme", "string", "Programme de l’organisateur auquel appartient l’événement.", {}),
    ("parcours", "string", "Parcours du programme (par exemple Découvrir).", {}),
    ("themes", "string", "Thèmes de l’événement." + _LIST, {}),
    ("formats", "string", "Formats de l’événement (atelier, table ronde…)." + _LIST, {}),
    ("publics", "string", "Publics visés (agents publics, grand public…)." + _LIST, {}),
    ("age_minimum", "integer", "Âge minimum des participants, s’il y en a un.",
     {"constraints": {"minimum": 0, "maximum": 120}}),
    ("age_maximum", "integer", "Âge maximum des participants, s’il y en a un.",
     {"constraints": {"minimum": 0, "maximum": 120}}),
    ("langues", "string",
     "Langues de l’événement, codes ISO 639 (« lsf » : langue des signes française)." + _LIST, {}),
    ("inscription", "string",
     "Comment s’inscrire." + _CODE_LIST.format(codes=", ".join(_codes(REGISTRATION_CODES))),
     {"constraints": {"required": True, "enum": _codes(REGISTRATION_CODES)}}),
    ("lien_inscription", "string",
     "Où s’inscrire : la page de l’événement (inscription sur la plateforme) ou le site indiqué "
     "par l’organisateur.", {"format": "uri"}),
    ("places", "integer", "Nombre de places du créneau (ou de l’événement), s’il est limité.",
     {"constraints": {"minimum": 1}}),
    *[(column, "boolean", description, {}) for column, description in ACCESSIBILITY_DESCRIPTIONS],
    ("date_publication", "datetime", "Première publication de l’événement (ISO 8601).", {}),
    ("date_mise_a_jour", "datetime", "Dernière modification de l’événement (ISO 8601).",
     {"constraints": {"required": True}}),
]
COLUMNS = [name for name, *_ in FIELDS]


def table_schema() -> dict:
    """The Frictionless Table Schema (v1) of the CSV."""
    fields = []
    for name, kind, description, extra in FIELDS:
        field = {"name": name, "type": kind, "description": description, **extra}
        if kind == "boolean":
            field.update(trueValues=["true"], falseValues=["false"])
        fields.append(field)
    return {
        "fields": fields,
        "primaryKey": ["identifiant"],
        "missingValues": [""],
    }


# ---- what is exported --------------------------------------------------------------------------


def events(edition: Edition, filters: search.EventFilters):
    """The published events of the edition that match the agenda's filters, by date.

    Always by date (``first_starts_at``, then id): the order of a relevance search is bounded to
    its best matches, an export is not.
    """
    return search.search_events(edition, replace(filters, sort="date")).filter(
        first_starts_at__isnull=False
    )


def located(queryset):
    """The events whose venue has coordinates (what a map can place)."""
    return queryset.filter(venue__latitude__isnull=False, venue__longitude__isnull=False)


#: The columns a record reads (fewer columns: fewer values to decode, lighter instances).
EXPORTED_FIELDS = (
    "public_id", "slug", "title", "summary", "status", "attendance_mode", "online_url",
    "registration_mode", "registration_url", "capacity", "age_min", "age_max", "languages",
    "image", "published_at", "updated_at", *ACCESSIBILITY_COLUMNS,
    "edition__slug", "organisation__name", "organisation__website", "programme__title",
    "track__name", "venue__name", "venue__address", "venue__postcode", "venue__commune",
    "venue__latitude", "venue__longitude", "venue__location_precision", "venue__departement__code",
    "venue__departement__name",    "venue__departement__region__code", "venue__departement__region__name",
)


def with_export_data(queryset):
    """The events with what a record shows of them and of their edition, organiser, venue…"""
    return queryset.select_related(
        "edition", "organisation", "venue__departement__region", "programme", "track"
    ).only(*EXPORTED_FIELDS)


class Named(NamedTuple):
    """A theme, format, audience or co-organiser as a record shows it."""

    name: str
    website: str = ""


class SlotRow(NamedTuple):
    """A slot as a record shows it."""

    pk: int
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    cancelled_at: datetime | None


#: Lists of names attached to each event: relation → (column of the through table, ordering).
NAMED_RELATIONS = {
    "formats": ("format", ("format__position", "format__name")),
    "themes": ("theme", ("theme__position", "theme__name")),
    "audiences": ("audience", ("audience__position", "audience__name")),
}
#: Queries run once per chunk of events: slots, co-organisers, then one per named relation.
QUERIES_PER_CHUNK = 2 + len(NAMED_RELATIONS)


def attach_related(events: list[Event]) -> None:
    """Give each event its slots, formats, themes, audiences and co-organisers as plain lists
    (``queries.prefetched`` reads them): ``QUERIES_PER_CHUNK`` queries of plain values, no
    model instance and no queryset per event."""
    ids = [event.pk for event in events]
    found = {name: defaultdict(list) for name in ("slots", "co_organisers", *NAMED_RELATIONS)}
    slots = Slot.objects.filter(event_id__in=ids).order_by("event_id", "starts_at", "pk").values_list(
        "event_id", "pk", "starts_at", "ends_at", "capacity", "cancelled_at")
    for event_id, *values in slots:
        found["slots"][event_id].append(SlotRow(*values))
    co_organisers = Event.co_organisers.through.objects.filter(event_id__in=ids).order_by(
        "organisation__name", "organisation_id").values_list(
        "event_id", "organisation__name", "organisation__website")
    for event_id, name, website in co_organisers:
        found["co_organisers"][event_id].append(Named(name, website))
    for relation, (column, ordering) in NAMED_RELATIONS.items():
        rows = getattr(Event, relation).through.objects.filter(event_id__in=ids).order_by(
            *ordering).values_list("event_id", f"{column}__name")
        for event_id, name in rows:
            found[relation][event_id].append(Named(name))
    for event in events:
        for name, lists in found.items():
            setattr(event, PREFETCHED + name, lists.get(event.pk, []))


def iterate(queryset) -> Iterator[Event]:
    """Each event, read ``CHUNK_SIZE`` at a time with its related lists (the filters never
    repeat an event: they look up facets, ``EXISTS`` and single-valued relations)."""
    chunk = []
    for event in with_export_data(queryset).iterator(chunk_size=CHUNK_SIZE):
        chunk.append(event)
        if len(chunk) == CHUNK_SIZE:
            attach_related(chunk)
            yield from chunk
            chunk = []
    if chunk:
        attach_related(chunk)
        yield from chunk


@dataclass(frozen=True)
class Summary:
    """Size and freshness of an export."""

    events: int
    slots: int
    last_modified: datetime | None
    #: Slots of events held at a venue with coordinates (the features of the GeoJSON).
    located_slots: int = 0


def summarise(queryset) -> Summary:
    """How many events and slots, and the latest change: two queries, whatever the size.

    The history counts because an edit can take an event out of an export (a theme removed…):
    the export then changes although none of its events did.
    """
    shown = Q(venue__latitude__isnull=False, venue__longitude__isnull=False) & ~Q(
        attendance_mode=AttendanceMode.ONLINE)
    figures = queryset.order_by().aggregate(
        event_count=Count("pk", distinct=True), slot_count=Count("slots", distinct=True),
        located_count=Count("slots", filter=shown, distinct=True), latest=Max("updated_at"),
    )
    moments = [figures["latest"], EventHistory.objects.aggregate(latest=Max("created_at"))["latest"]]
    moments = [moment for moment in moments if moment is not None]
    return Summary(figures["event_count"], figures["slot_count"], max(moments, default=None),
                   figures["located_count"])


# ---- pieces of text ------------------------------------------------------------------------------


def pieces(parts: Iterable[str], size: int = PIECE_SIZE) -> Iterator[bytes]:
    """UTF-8 bytes in pieces of about ``size`` bytes (fewer, larger writes than one per row)."""
    buffer, length = [], 0
    for part in parts:
        buffer.append(part)
        length += len(part)
        if length >= size:
            yield "".join(buffer).encode()
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode()


def _names(items) -> str:
    return LIST_SEPARATOR.join(item.name.replace(LIST_SEPARATOR, ",") for item in items)


def slot_status(event: Event, slot: Slot) -> str:
    return STATUS_CODES[EventStatus.CANCELLED] if slot.cancelled_at else STATUS_CODES[event.status]


def records(events: Iterable[Event], event_url: Callable[[object, str], str]) -> Iterator[dict]:
    """One dict per slot, keyed by ``COLUMNS``, with Python values (None when absent)."""
    for event in events:
        url = event_url(event.public_id, event.slug)
        venue = event.venue if event.shows_venue else None
        departement = venue.departement if venue else None
        region = departement.region if departement else None
        online = event.online_url if event.attendance_mode != AttendanceMode.IN_PERSON else ""
        if event.registration_mode == RegistrationMode.PLATFORM:
            registration_link = url
        elif event.registration_mode == RegistrationMode.EXTERNAL:
            registration_link = event.registration_url or None
        else:
            registration_link = None
        common = {
            "identifiant_evenement": str(event.public_id),
            "titre": event.title,
            "resume": event.summary,
            "url": url,
            "edition": event.edition.slug,
            "mode_participation": ATTENDANCE_CODES[event.attendance_mode],
            "lien_en_ligne": online or None,
            "lieu": venue.name if venue else None,
            "adresse": venue.address if venue else None,
            "code_postal": venue.postcode if venue else None,
            "commune": venue.commune if venue else None,
            "code_departement": departement.code if departement else None,
            "departement": departement.name if departement else None,
            "code_region": region.code if region else None,
            "region": region.name if region else None,
            "latitude": venue.latitude if venue else None,
            "longitude": venue.longitude if venue else None,
            "position_approximative": venue.approximate if venue else None,
            "organisateur": event.organisation.name,
            "site_organisateur": event.organisation.website or None,
            "co_organisateurs": _names(prefetched(event, "co_organisers")),
            "programme": event.programme.title if event.programme_id else None,
            "parcours": event.track.name if event.track_id else None,
            "themes": _names(prefetched(event, "themes")),
            "formats": _names(prefetched(event, "formats")),
            "publics": _names(prefetched(event, "audiences")),
            "age_minimum": event.age_min,
            "age_maximum": event.age_max,
            "langues": LIST_SEPARATOR.join(event.languages or ["fr"]),
            "inscription": REGISTRATION_CODES[event.registration_mode],
            "lien_inscription": registration_link,
            **{column: getattr(event, field) for field, column in ACCESSIBILITY_COLUMNS.items()},
            "date_publication": paris_isoformat(event.published_at),
            "date_mise_a_jour": paris_isoformat(event.updated_at),
        }
        for slot in prefetched(event, "slots"):
            yield {
                "identifiant": f"{event.public_id}-{slot.pk}",
                "identifiant_creneau": slot.pk,
                "date_debut": paris_isoformat(slot.starts_at),
                "date_fin": paris_isoformat(slot.ends_at),
                "statut": slot_status(event, slot),
                "places": capacity_of(slot, event),
                **common,
            }


# ---- CSV -------------------------------------------------------------------------------------------


def _cell(value) -> str:
    """A CSV cell: text neutralised against formula injection; numbers, booleans as they are."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return neutralise_formula(value)


class _Line:
    """A file-like object whose ``write`` returns what it is given (one CSV line)."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    """RFC 4180 lines (CRLF, quotes doubled), the header first."""
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow([_cell(row[name]) for name in COLUMNS])


# ---- JSON-LD ---------------------------------------------------------------------------------------


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def jsonld_parts(events: Iterable[Event], event_url, *, site_root: str, document_url: str,
                 name: str) -> Iterator[str]:
    """One JSON-LD document: the schema.org context and a ``@graph`` of one Event per slot."""
    head = {"@context": jsonld.CONTEXT, "@id": document_url, "name": name}
    yield _dumps(head)[:-1] + ',"@graph":['
    first = True
    for event in events:
        for node in jsonld.event_nodes(event, event_url(event.public_id, event.slug), site_root):
            yield ("" if first else ",") + _dumps(node)
            first = False
    yield "]}"


# ---- GeoJSON ---------------------------------------------------------------------------------------

#: Properties of a GeoJSON feature: columns of the CSV, lists as JSON arrays.
GEOJSON_PROPERTIES = (
    "identifiant_evenement", "titre", "url", "date_debut", "date_fin", "statut",
    "mode_participation", "lieu", "adresse", "code_postal", "commune", "code_departement",
    "code_region", "organisateur", "programme", "parcours", "themes", "formats", "publics",
    "inscription", "lien_inscription", "position_approximative",
)
_LISTS = {"themes", "formats", "publics"}


def geojson_parts(rows: Iterable[dict]) -> Iterator[str]:
    """A FeatureCollection (RFC 7946): one Point per slot whose venue has coordinates."""
    yield '{"type":"FeatureCollection","features":['
    first = True
    for row in rows:
        if row["latitude"] is None or row["longitude"] is None:
            continue  # online: the venue is not shown
        properties = {
            name: (row[name].split(LIST_SEPARATOR) if row[name] else []) if name in _LISTS else row[name]
            for name in GEOJSON_PROPERTIES
        }
        yield ("" if first else ",") + _dumps(
            feature(row["identifiant"], row["longitude"], row["latitude"], properties)
        )
        first = False
    yield "]}"


# ---- Data Package ----------------------------------------------------------------------------------

CSV_TYPE = "text/csv; charset=utf-8"
JSONLD_TYPE = "application/ld+json"
JSON_TYPE = "application/json"
#: URL names of the exports (under ``opendata:``) → file name in the data package.
FILES = {
    "csv": "evenements.csv",
    "jsonld": "evenements.jsonld",
    "geojson": "evenements.geojson",
    "schema": "schema.json",
    "datapackage": "datapackage.json",
}


def data_package(edition: Edition, summary: Summary, page: str) -> dict:
    """The Data Package (v1) describing the edition's exports (``page``: the absolute URL of
    its open-data page); paths relative to it."""
    common = {"encoding": "utf-8", "licenses": [LICENCE]}
    return {
        "profile": "data-package",
        "name": f"semaine-innovation-publique-{edition.slug}".lower(),
        "id": page,
        "title": f"Programme — {edition.name}",
        "description": (
            f"Les événements publiés de l’édition « {edition.name} » "
            f"({edition.starts_on.isoformat()} – {edition.ends_on.isoformat()}), un enregistrement "
            "par créneau : dates, lieu, organisateur, thèmes, formats, publics, inscription, "
            "accessibilité. Les événements annulés restent, marqués « annule »."
        ),
        "homepage": page,
        "keywords": ["innovation publique", "événements", "agenda", edition.slug],
        "licenses": [LICENCE],
        "last_modified": paris_isoformat(summary.last_modified),
        "resources": [
            {
                "name": "evenements",
                "path": FILES["csv"],
                "title": "Événements (CSV, un créneau par ligne)",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "schema": FILES["schema"],
                "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True,
                            "lineTerminator": "\r\n", "header": True},
                **common,
            },
            {
                "name": "evenements-geojson",
                "path": FILES["geojson"],
                "title": "Événements localisés (GeoJSON, RFC 7946)",
                "description": "Un point (WGS 84, longitude puis latitude) par créneau des "
                               "événements dont le lieu a des coordonnées.",
                "profile": "data-resource",
                "format": "geojson",
                "mediatype": GEOJSON_TYPE,
                **common,
            },
            {
                "name": "evenements-jsonld",
                "path": FILES["jsonld"],
                "title": "Événements (JSON-LD, schema.org Event)",
                "description": "Un Event de schema.org par créneau, dans un @graph.",
                "profile": "data-resource",
                "format": "jsonld",
                "mediatype": JSONLD_TYPE,
                **common,
            },
        ],
    }

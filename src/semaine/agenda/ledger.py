"""What the public ledger records of the programme, and how it checks it again.

An event's record is what a visitor sees of it (no internal field, no person): the entry holds
the SHA-256 of its RFC 8785 form, so ``semaine ledger verify`` can tell whether the event in the
database still is what was last recorded, and ``semaine ledger verify URL`` whether the public
API still publishes it. The agenda registers its events with the ledger (``EVENTS``, registered
by ``AgendaConfig.ready``); the ledger itself knows nothing of events.
"""

from __future__ import annotations

import urllib.parse
from datetime import UTC, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from semaine.ledger.audit import MAX_API_PAGE, AuditError, fetch, read_json
from semaine.ledger.services import record, record_many, utc_time
from semaine.ledger.subjects import Published, Subject
from semaine.ui.markdown import render_markdown

from .models import (
    ACCESSIBILITY_FIELDS,
    LANGUAGE_CHOICES,
    AttendanceMode,
    Event,
    EventState,
    EventStatus,
)

#: the entries that describe an event itself (its latest one is what visitors must see)
EVENT_KINDS = ("event.published", "event.changed", "event.cancelled")

DECISION_KINDS = {"published": "decision.published", "returned": "decision.returned",
                  "refused": "decision.refused"}

#: an event record's fields, in the order they are reported, with their French names
FIELDS = {
    "title": "titre", "summary": "résumé", "description": "description", "status": "statut",
    "slots": "créneaux", "venue": "lieu", "attendance_mode": "mode de participation",
    "online_url": "lien de participation en ligne", "organisation": "organisateur",
    "co_organisers": "co-organisateurs", "programme": "programme", "track": "parcours",
    "formats": "formats", "themes": "thèmes", "audiences": "publics", "age": "âge",
    "accessibility": "accessibilité", "languages": "langues", "registration": "inscription",
    "edition": "édition", "state": "état", "id": "identifiant",
}

#: the API's pages: 200 events each, at most this many pages per edition
MAX_API_PAGES = 5_000


def event_subject(event) -> str:
    return f"event:{event.public_id}"


#: what ``event_record`` reads beyond the event row: prefetch it when recording many events
RECORD_PREFETCH = ("co_organisers", "formats", "themes", "audiences", "slots")
RECORD_RELATED = ("edition", "organisation", "venue", "programme", "track")


def event_record(event) -> dict:
    venue = event.venue
    return {
        "id": str(event.public_id),
        "edition": event.edition.slug,
        "organisation": event.organisation.slug,
        "co_organisers": sorted(o.slug for o in event.co_organisers.all()),
        "programme": event.programme.slug if event.programme_id else None,
        "track": event.track.slug if event.track_id else None,
        "title": event.title,
        "summary": event.summary,
        "description": event.description,
        "formats": sorted(x.slug for x in event.formats.all()),
        "themes": sorted(x.slug for x in event.themes.all()),
        "audiences": sorted(x.slug for x in event.audiences.all()),
        "age": [event.age_min, event.age_max],
        "attendance_mode": str(event.attendance_mode),
        "online_url": event.online_url,
        "venue": None if venue is None else {
            "name": venue.name, "address": venue.address, "postcode": venue.postcode,
            "commune": venue.commune,
            "latitude": None if venue.latitude is None else round(venue.latitude, 6),
            "longitude": None if venue.longitude is None else round(venue.longitude, 6),
        },
        "accessibility": sorted(name for name, _label in ACCESSIBILITY_FIELDS if getattr(event, name)),
        "languages": sorted(event.languages or []),
        "registration": {"mode": str(event.registration_mode), "url": event.registration_url,
                         "capacity": event.capacity},
        "state": str(event.state),
        "status": str(event.status),
        "slots": [
            {"start": utc_time(s.starts_at), "end": utc_time(s.ends_at), "capacity": s.capacity,
             "cancelled": s.cancelled_at is not None}
            for s in sorted(event.slots.all(), key=lambda s: (s.starts_at, s.pk))
        ],
    }


def record_event(event, kind: str = "event.changed") -> int | None:
    """Record what visitors now see of a published event (nothing for drafts); the entry's id."""
    ids = record_events([event], kind)
    return ids[0] if ids else None


def record_events(events, kind: str = "event.changed") -> list[int]:
    """``record_event`` for several events, in one statement (drafts are skipped); the ids."""
    return record_many([(kind, event_subject(e), event_record(e)) for e in events
                        if e.state == EventState.PUBLISHED])


def record_decision(event, decision: str, by: str):
    """A moderation decision: which event, what was decided, by which organisation."""
    decision = str(decision)
    return record(DECISION_KINDS[decision], event_subject(event),
                  {"event": str(event.public_id), "edition": event.edition.slug,
                   "decision": decision, "by": by})


# --- what the public API publishes -------------------------------------------------------------


def _utc(text: str | None) -> str | None:
    if text is None:
        return None
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _coordinate(value):
    return None if value is None else round(value, 6)


def api_event_record(event: dict) -> dict:
    """An event of the public API (``/api/editions/<slug>/events``) in the shape of the record
    the log holds of it (``event_record``)."""
    venue = event.get("venue")
    return {
        "id": event["id"],
        "edition": event["edition"],
        "organisation": event["organisation"]["slug"],
        "co_organisers": sorted(o["slug"] for o in event["co_organisers"]),
        "programme": event["programme"],
        "track": event["track"],
        "title": event["title"],
        "summary": event["summary"],
        "description": event["description"],
        "formats": sorted(event["formats"]),
        "themes": sorted(event["themes"]),
        "audiences": sorted(event["audiences"]),
        "age": [event["age_min"], event["age_max"]],
        "attendance_mode": event["attendance_mode"],
        "online_url": event["online_url"],
        "venue": None if venue is None else {
            "name": venue["name"], "address": venue["address"], "postcode": venue["postcode"],
            "commune": venue["commune"], "latitude": _coordinate(venue["latitude"]),
            "longitude": _coordinate(venue["longitude"]),
        },
        "accessibility": sorted(f"access_{name}" for name in event["accessibility"]),
        "languages": sorted(event["languages"]),
        "registration": {"mode": event["registration_mode"], "url": event["registration_url"],
                         "capacity": event["capacity"]},
        "state": "published",  # the API serves published events only
        "status": event["status"],
        "slots": [{"start": _utc(s["starts_at"]), "end": _utc(s["ends_at"]), "capacity": s["capacity"],
                   "cancelled": s["cancelled_at"] is not None} for s in event["slots"]],
    }


def published_events(site: str, editions: set[str], timeout: float = 30.0):
    """Every event the node's public API publishes in ``editions`` (and in the editions it lists),
    page by page along its cursor."""
    url = f"{site}/api/editions"
    listed = read_json(fetch(url, MAX_API_PAGE, timeout), url)
    if not isinstance(listed, list) or not all(isinstance(e, dict) and isinstance(e.get("slug"), str)
                                               for e in listed):
        raise AuditError(f"{url} : attendu une liste d’éditions")
    for slug in sorted(editions | {e["slug"] for e in listed}):
        cursor = None
        for _page in range(MAX_API_PAGES):
            query = {"limit": 200, **({"cursor": cursor} if cursor else {})}
            url = f"{site}/api/editions/{urllib.parse.quote(slug)}/events?{urllib.parse.urlencode(query)}"
            page = read_json(fetch(url, MAX_API_PAGE, timeout), url)
            items = page.get("items") if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise AuditError(f"{url} : attendu un objet avec « items » et « next_cursor »")
            yield from items
            cursor = page.get("next_cursor")
            if not cursor:
                break
        else:
            raise AuditError(f"{site}/api/editions/{slug}/events : plus de {MAX_API_PAGES} pages")


# --- what the event page's in-browser check reads -----------------------------------------------


def display_labels() -> dict:
    """What the in-browser check needs to read an event page as a visitor does: the words the page
    uses for the recorded codes (statuses, attendance modes, accessibility, languages), the
    sentences it builds from recorded numbers (ages, places) and the names of the fields it
    reports. These come from the platform's code and catalogue, never from the event's rows."""
    return {
        "status": {value: str(label) for value, label in EventStatus.choices},
        "attendance": {value: str(label) for value, label in AttendanceMode.choices},
        "accessibility": {name: str(label) for name, label in ACCESSIBILITY_FIELDS},
        "languages": {code: str(label) for code, label in LANGUAGE_CHOICES},
        # the event page's sentences, %(a)s and %(b)s standing for the numbers
        "age": {"both": _("De %(a)s à %(b)s ans"), "min": _("À partir de %(a)s ans"),
                "max": _("Jusqu’à %(b)s ans")},
        "places": {"one": ngettext("%(n)s place", "%(n)s places", 1),
                   "other": ngettext("%(n)s place", "%(n)s places", 2)},
        "registration": {"none": _("Entrée libre, sans inscription."),
                         "external": _("S’inscrire sur le site de l’organisateur"),
                         "platform": _("Inscription sur la plateforme.")},
        "fields": {
            "id": _("identifiant"), "edition": _("édition"), "state": _("état"), "title": _("titre"),
            "summary": _("résumé"), "description": _("description"), "status": _("statut"),
            "slots": _("créneaux"), "attendance_mode": _("mode de participation"),
            "venue.name": _("nom du lieu"), "venue.address": _("adresse"),
            "venue.postcode": _("code postal"), "venue.commune": _("commune"),
            "venue.position": _("position sur le plan"),
            "online_url": _("lien de participation en ligne"), "organisation": _("organisateur"),
            "co_organisers": _("co-organisateurs"), "programme": _("programme"),
            "track": _("parcours"), "formats": _("formats"), "themes": _("thèmes"),
            "audiences": _("publics"), "age": _("âge"), "accessibility": _("accessibilité"),
            "languages": _("langues"), "registration": _("inscription"),
        },
        "nothing": _("(rien)"),
    }


# --- the events, as the ledger sees them -------------------------------------------------------


class EventSubject(Subject):
    """A published event: recorded whenever what visitors see of it changes."""

    prefix = "event"
    kinds = EVENT_KINDS
    backfill_kind = "event.published"
    fields = FIELDS
    kind_labels = {
        "event.published": gettext_lazy("Événement publié"),
        "event.changed": gettext_lazy("Événement modifié"),
        "event.cancelled": gettext_lazy("Événement annulé"),
        "decision.published": gettext_lazy("Décision : publication"),
        "decision.returned": gettext_lazy("Décision : renvoi pour correction"),
        "decision.refused": gettext_lazy("Décision : refus"),
    }

    def key(self, event) -> str:
        return str(event.public_id)

    def subject(self, event) -> str:
        return event_subject(event)

    def record(self, event) -> dict:
        return event_record(event)

    def _published(self):
        return (Event.objects.filter(state=EventState.PUBLISHED)
                .select_related(*RECORD_RELATED).prefetch_related(*RECORD_PREFETCH))

    def backfill(self):
        return self._published().order_by("published_at", "pk").iterator(chunk_size=500)

    def current(self):
        return self._published().iterator(chunk_size=500)

    def name(self, event) -> str:
        return f"{event.title} ({event.public_id})"

    def published(self, site: str, records: list[dict], timeout: float):
        editions = {r["edition"] for r in records if isinstance(r.get("edition"), str)}
        for event in published_events(site, editions, timeout):
            try:
                shown = api_event_record(event)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise AuditError(f"{site}/api : un événement publié n’a pas la forme attendue "
                                 f"(champ {exc})") from exc
            yield Published(shown, event.get("updated_at"))

    def title(self, record: dict) -> str:
        return record.get("title", "")

    def is_public(self, record: dict) -> bool:
        return record.get("state") == "published"

    def rendered(self, record) -> dict:
        """The recorded description as the event page renders it (sanitised HTML), so that the
        browser compares the text the visitor reads with the text the record gives."""
        description = record.get("description") if isinstance(record, dict) else None
        return {"description": render_markdown(description)} if isinstance(description, str) else {}

    def page_labels(self) -> dict:
        return display_labels()


EVENTS = EventSubject()

"""The public records the ledger holds the hashes of, rebuilt the same way when verifying.

An event's record is what a visitor sees of it (no internal field, no person): the entry holds
the SHA-256 of its RFC 8785 form, so ``semaine ledger verify`` can tell whether the event in the
database still is what was last recorded.
"""

from __future__ import annotations

from semaine.ledger.compare import EVENT_KINDS  # noqa: F401 (the event kinds, read here by the apps)
from semaine.ledger.services import record, record_many, utc_time

from .models import EventState

DECISION_KINDS = {"published": "decision.published", "returned": "decision.returned",
                  "refused": "decision.refused"}


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
        "accessibility": sorted(
            name for name in ("access_hearing", "access_visual", "access_motor", "access_psychic",
                              "access_intellectual", "access_sign_language", "access_captioning")
            if getattr(event, name)
        ),
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

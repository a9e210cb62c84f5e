"""Models to the API's dictionaries (the schemas in ``schemas.py`` describe them)."""

from django.db.models import Prefetch
from django.urls import reverse

from semaine.agenda.models import ACCESSIBILITY_FIELDS, Event, Slot


def with_api_data(queryset):
    """Everything an event's representation needs, in a fixed number of queries."""
    return (
        queryset.select_related(
            "edition", "organisation", "venue__departement__region", "programme", "track"
        )
        .prefetch_related(
            Prefetch("slots", queryset=Slot.objects.order_by("starts_at", "pk")),
            "formats", "themes", "audiences", "co_organisers",
        )
        .defer("search_vector", "facets")
    )


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def slot(slot: Slot) -> dict:
    return {"id": slot.pk, "starts_at": slot.starts_at, "ends_at": slot.ends_at,
            "capacity": slot.capacity, "cancelled_at": slot.cancelled_at}


def _org(organisation) -> dict:
    return {"slug": organisation.slug, "name": organisation.name}


def _venue(venue) -> dict | None:
    if venue is None:
        return None
    return {
        "name": venue.name, "address": venue.address, "postcode": venue.postcode,
        "commune": venue.commune, "departement": venue.departement.code,
        "region": venue.departement.region.code, "latitude": venue.latitude,
        "longitude": venue.longitude, "approximate_position": venue.approximate,
    }


def event(request, event: Event) -> dict:
    return {
        "id": event.public_id,
        "slug": event.slug,
        "url": _absolute(request, event.get_absolute_url()),
        "edition": event.edition.slug,
        "title": event.title,
        "summary": event.summary,
        "description": event.description,
        "status": event.status,
        "organisation": _org(event.organisation),
        "co_organisers": [_org(o) for o in event.co_organisers.all()],
        "programme": event.programme.slug if event.programme else None,
        "track": event.track.slug if event.track else None,
        "formats": [f.slug for f in event.formats.all()],
        "themes": [t.slug for t in event.themes.all()],
        "audiences": [a.slug for a in event.audiences.all()],
        "age_min": event.age_min,
        "age_max": event.age_max,
        "attendance_mode": event.attendance_mode,
        "online_url": event.online_url,
        "venue": _venue(event.venue),
        "accessibility": [name.removeprefix("access_") for name, _label in ACCESSIBILITY_FIELDS
                          if getattr(event, name)],
        "languages": list(event.languages or []),
        "registration_mode": event.registration_mode,
        "registration_url": event.registration_url,
        "capacity": event.capacity,
        "registration_per_slot": event.registration_per_slot,
        "first_starts_at": event.first_starts_at,
        "last_ends_at": event.last_ends_at,
        "published_at": event.published_at,
        "updated_at": event.updated_at,
        "revision": event.revision,
        "slots": [slot(s) for s in event.slots.all()],
    }


def organiser_event(request, item: Event) -> dict:
    return {**event(request, item), "state": item.state, "venue_id": item.venue_id,
            "submitted_at": item.submitted_at}


def organisation(request, organisation) -> dict:
    return {
        "slug": organisation.slug, "name": organisation.name, "kind": organisation.kind,
        "region": organisation.region.code if organisation.region else None,
        "departement": organisation.departement.code if organisation.departement else None,
        "website": organisation.website, "description": organisation.description,
        "url": _absolute(request, organisation.get_absolute_url()),
    }


def programme(request, programme) -> dict:
    return {
        "slug": programme.slug, "title": programme.title, "description": programme.description,
        "edition": programme.edition.slug, "organisation": _org(programme.organisation),
        "tracks": [{"slug": t.slug, "name": t.name, "description": t.description,
                    "position": t.position} for t in programme.tracks.all()],
        "url": _absolute(request, programme.get_absolute_url()),
    }


def project(request, submission) -> dict:
    """A hackathon project of ``hackathons.queries.published_projects``."""
    hackathon, challenge = submission.hackathon, submission.challenge
    return {
        "id": submission.public_id, "title": submission.title, "summary": submission.summary,
        "description": submission.description, "team": submission.team.name,
        "challenge": {"id": challenge.public_id, "title": challenge.title,
                      "organisation": _org(challenge.organisation),
                      "url": _absolute(request, challenge.get_absolute_url())},
        "hackathon": hackathon.public_id, "event": hackathon.event.public_id,
        "licence": submission.licence, "repository_url": submission.repository_url,
        "demo_url": submission.demo_url, "video_url": submission.video_url,
        "prize": submission.prize,
        "datasets": [{"title": d.title,
                      "url": _absolute(request, d.file.url) if d.file else d.url,
                      "format": d.format, "licence": d.licence, "producer": d.producer}
                     for d in submission.datasets.all()],
        "url": _absolute(request, reverse("hackathons:project",
                                          kwargs={"public_id": submission.public_id})),
        "results_url": _absolute(request, reverse("hackathons:results",
                                                  kwargs={"public_id": hackathon.public_id})),
    }


def consultation(request, item) -> dict:
    """A consultation (with ``categories`` and its published ``workshops`` prefetched)."""
    return {
        "slug": item.slug, "title": item.title, "question": item.question,
        "context": item.context, "people_concerned": item.people_concerned,
        "organisation": item.organisation.slug,
        "edition": item.edition.slug if item.edition_id else None,
        "departement": item.departement.code if item.departement_id else None,
        "phases": [{"phase": code, "starts_on": first, "ends_on": last}
                   for code, _label, first, last in item.phases()],
        "current_phase": item.current_phase,
        "categories": [c.name for c in item.categories.all()],
        "workshops": [w.public_id for w in item.workshops.all()],
        "proposals_per_person": item.proposals_per_person,
        "supports_per_person": item.supports_per_person,
        "support_threshold": item.support_threshold,
        "supports_closed_at": item.supports_closed_at,
        "url": _absolute(request, item.get_absolute_url()),
    }


def proposal(request, consultation, item) -> dict:
    """A published proposal: what its page shows, without its author."""
    item.consultation = consultation
    return {
        "id": item.pk, "title": item.title, "body": item.body,
        "category": item.category.name if item.category_id else None, "commune": item.commune,
        "workshop": item.workshop.public_id if item.workshop_id else None,
        "supports": item.supports_count, "comments": item.comments_count,
        "answer": item.answer or None, "justification": item.justification,
        "answered_at": item.answered_at, "created_at": item.created_at,
        "url": _absolute(request, item.get_absolute_url()),
    }

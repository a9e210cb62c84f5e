"""Every write on the programme: one transactional function per use case.

Each function checks who may act, applies the change and records who did it, when and why in
the event's history. Views and the API call these functions; they never save events themselves.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from semaine.accounts import outbox
from semaine.core.cache import content_changed
from semaine.organisers.models import Organisation
from semaine.organisers.permissions import require_member
from semaine.organisers.services import unique_slug

from . import dates, geocoding, notifications, tasks
from .ledger import RECORD_PREFETCH, RECORD_RELATED, record_decision, record_event, record_events
from .models import (
    APPROXIMATE_PRECISIONS,
    Coordination,
    Edition,
    Event,
    EventHistory,
    EventState,
    EventStatus,
    HistoryAction,
    LocationPrecision,
    Programme,
    Slot,
    Track,
    Venue,
)
from .permissions import (
    is_coordinator,
    require_coordinator,
    require_edition_creator,
    require_event_editor,
    require_programme_manager,
)
from .queries import decision_emails
from .search import refresh_search_vector
from .signals import event_cancelled, event_publication_changed, slot_cancelled

#: Plain fields of an event that its editors set.
EVENT_FIELDS = (
    "title", "summary", "description", "programme", "track", "age_min", "age_max",
    "attendance_mode", "online_url", "venue", "access_hearing", "access_visual", "access_motor",
    "access_psychic", "access_intellectual", "access_sign_language", "access_captioning",
    "languages", "image", "image_alt", "image_credit", "registration_mode", "registration_url",
    "capacity", "registration_per_slot", "offer_hours", "is_illustrative",
)
#: Many-to-many fields of an event.
EVENT_RELATIONS = ("formats", "themes", "audiences", "co_organisers")


@dataclass(frozen=True)
class SlotData:
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = None
    id: int | None = None


#: Stored in the history (data, in the programme's language), not shown through gettext.
COORDINATION_LABEL = "Coordination de l'édition"


class TransitionError(ValidationError):
    """A moderation step that the event's current state does not allow."""


def _acting_as(actor, event: Event) -> str:
    if is_coordinator(actor, event.edition) and not actor.memberships.filter(
        organisation=event.organisation
    ).exists():
        return COORDINATION_LABEL
    return event.organisation.name


#: what the public ledger records of each step (see ledger.py)
_LEDGER_EVENT_KINDS = {
    HistoryAction.PUBLISHED: "event.published",
    HistoryAction.CHANGED: "event.changed",
    HistoryAction.STATUS: "event.changed",
    HistoryAction.CANCELLED: "event.cancelled",
}


def _log(event, actor, action, *, from_state="", to_state="", comment="", changes=None):
    """Write the event's history and, in the same transaction, the public ledger's entries:
    moderation decisions, and what visitors see of a published event whenever it changes.
    An event entering or leaving the public programme is announced (``event_publication_changed``)."""
    acting_as = _acting_as(actor, event) if actor else ""
    if action in (HistoryAction.PUBLISHED, HistoryAction.RETURNED, HistoryAction.REFUSED):
        record_decision(event, action, acting_as or COORDINATION_LABEL)
    if action in _LEDGER_EVENT_KINDS:
        record_event(event, _LEDGER_EVENT_KINDS[action])
    if from_state != to_state and EventState.PUBLISHED in (from_state, to_state):
        event_publication_changed.send(sender=Event, event=event, from_state=from_state, to_state=to_state)
    return EventHistory.objects.create(
        event=event,
        action=action,
        actor=actor,
        acting_as=acting_as,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        changes=changes or {},
    )


def _changed(events) -> None:
    """Raise the revision (calendar SEQUENCE) and the time of the last change (what the API's
    synchronisation reads) of these events."""
    events.update(revision=F("revision") + 1, updated_at=timezone.now())


def _touch(event: Event) -> None:
    """A change visitors may see: raise the revision and the time of the last change
    (``_changed``), refresh the index and the caches."""
    _changed(Event.objects.filter(pk=event.pk))
    event.refresh_from_db(fields=["revision", "updated_at"])
    refresh_search_vector([event.pk])
    if event.state == EventState.PUBLISHED:
        content_changed()


#: Dates one event may have (the form's and the API's limit).
MAX_SLOTS = 50


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("edition", "organisation").get(
        pk=event.pk
    )


def _editable(actor, event: Event) -> Event:
    """The event, locked, once ``actor`` may edit it and it may still be edited."""
    event = _locked(event)
    require_event_editor(actor, event)
    if event.state == EventState.REFUSED:
        raise TransitionError(_("Un événement refusé ne peut plus être modifié."))
    return event


def _snapshot(event: Event) -> dict:
    data = {}
    for name in EVENT_FIELDS:
        value = getattr(event, name)
        if hasattr(value, "pk"):
            value = value.pk
        elif name == "image":
            value = value.name or ""
        data[name] = value
    for name in EVENT_RELATIONS:
        data[name] = sorted(getattr(event, name).values_list("pk", flat=True))
    data["slots"] = [
        [s.starts_at.isoformat(), s.ends_at.isoformat(), s.capacity]
        for s in event.slots.order_by("starts_at", "pk")
    ]
    return data


def _diff(before: dict, after: dict) -> dict:
    return {
        key: {"before": before[key], "after": after[key]}
        for key in after
        if before.get(key) != after[key]
    }


def _check_references(organisation: Organisation, edition: Edition, fields: dict,
                      event: Event | None = None) -> None:
    """Programme, track and venue must belong to the event's organisation and edition; an
    archived programme or track is no longer chosen (an event already in it may stay)."""
    programme = fields.get("programme")
    track = fields.get("track")
    venue = fields.get("venue")
    if programme is not None and (
        programme.organisation_id != organisation.pk or programme.edition_id != edition.pk
    ):
        raise ValidationError({"programme": _("Ce programme n'appartient pas à votre organisation.")})
    if track is not None and (programme is None or track.programme_id != programme.pk):
        raise ValidationError({"track": _("Ce parcours n'appartient pas au programme choisi.")})
    if (programme is not None and (event is None or event.programme_id != programme.pk)
            and Programme.objects.filter(pk=programme.pk, archived_at__isnull=False).exists()):
        raise ValidationError({"programme": _("Ce programme est archivé : choisissez-en un autre.")})
    if (track is not None and (event is None or event.track_id != track.pk)
            and Track.objects.filter(pk=track.pk, archived_at__isnull=False).exists()):
        raise ValidationError({"track": _("Ce parcours est archivé : choisissez-en un autre.")})
    if venue is not None and venue.organisation_id != organisation.pk:
        raise ValidationError({"venue": _("Ce lieu n'appartient pas à votre organisation.")})


def _apply(event: Event, fields: dict) -> None:
    for name in EVENT_FIELDS:
        if name in fields:
            setattr(event, name, fields[name])
    if not event.slug:
        event.slug = unique_slug(Event, event.title, max_length=200, edition=event.edition)
    event.full_clean(exclude=["slug", "image"])
    event.save()
    for name in EVENT_RELATIONS:
        if name in fields:
            values = [v for v in fields[name] if not (name == "co_organisers" and v == event.organisation)]
            getattr(event, name).set(values)


def _set_slots(event: Event, slots) -> None:
    keep = []
    for data in slots:
        if data.id:
            slot = event.slots.filter(pk=data.id).first()
            if slot is None:
                raise ValidationError(_("Ce créneau n'appartient pas à l'événement."))
        else:
            slot = Slot(event=event)
        slot.starts_at, slot.ends_at, slot.capacity = data.starts_at, data.ends_at, data.capacity
        slot.clean()  # the rule of a slot's dates, before anything is written
        # only what the editor sets: the marks the workers keep on the slot stay as they are
        slot.save(update_fields=["starts_at", "ends_at", "capacity"] if slot.pk else None)
        keep.append(slot.pk)
    removed = event.slots.exclude(pk__in=keep)
    _refuse_removing_registered(removed)
    removed.delete()
    event.refresh_from_db(fields=["first_starts_at", "last_ends_at"])  # kept by the slot signals


def _refuse_removing_registered(slots) -> None:
    """Dates someone registered to are never removed: they are cancelled, which tells them."""
    if slots.filter(registrations__isnull=False).exists():
        raise ValidationError({"slots": _(
            "Un créneau supprimé a des inscriptions : gardez-le, ou annulez l’événement pour "
            "prévenir les inscrits.")})


@transaction.atomic
def create_event(actor, *, organisation: Organisation, edition: Edition, fields: dict,
                 slots=()) -> Event:
    """An editor drafts a new event for their organisation."""
    require_member(actor, organisation)
    _check_references(organisation, edition, fields)
    event = Event(organisation=organisation, edition=edition, created_by=actor)
    _apply(event, fields)
    if slots:
        _set_slots(event, slots)
    refresh_search_vector([event.pk])
    _log(event, actor, HistoryAction.CREATED, to_state=EventState.DRAFT)
    return event


@transaction.atomic
def update_event(actor, event: Event, *, fields: dict, slots=None, comment: str = "") -> Event:
    """An editor changes an event. A published event stays published; the change is recorded."""
    event = _editable(actor, event)
    _check_references(event.organisation, event.edition, fields, event)
    before = _snapshot(event)
    _apply(event, fields)
    if slots is not None:
        _set_slots(event, slots)
    changes = _diff(before, _snapshot(event))
    if changes:
        _touch(event)
        _log(event, actor, HistoryAction.CHANGED, from_state=event.state, to_state=event.state,
             comment=comment, changes=changes)
    return event


@transaction.atomic
def add_slot(actor, event: Event, slot: SlotData) -> Slot:
    event = _editable(actor, event)
    created = Slot(event=event, starts_at=slot.starts_at, ends_at=slot.ends_at,
                   capacity=slot.capacity)
    created.clean()  # the rule of a slot's dates, before anything is written
    if event.slots.count() >= MAX_SLOTS:
        raise ValidationError({"slots": _("Un événement a au plus %(n)s créneaux.") % {"n": MAX_SLOTS}})
    created.save()
    event.refresh_from_db(fields=["first_starts_at", "last_ends_at"])  # kept by the slot signals
    _touch(event)
    _log(event, actor, HistoryAction.CHANGED, from_state=event.state, to_state=event.state,
         changes={"slots": {"added": [slot.starts_at.isoformat(), slot.ends_at.isoformat()]}})
    return created


@transaction.atomic
def remove_slot(actor, event: Event, slot_id: int) -> None:
    """Take one date out of the event, under the event's lock, as an edit of its slots would:
    never its last date, never a date someone registered to (cancel it instead)."""
    event = _editable(actor, event)
    # the slot's lock: a registration being taken for it (which locks it too) is seen below
    slot = Slot.objects.select_for_update(of=("self",)).get(pk=slot_id, event=event)
    if not event.slots.exclude(pk=slot.pk).exists():
        raise ValidationError({"slots": _("Ajoutez au moins un créneau.")})
    _refuse_removing_registered(Slot.objects.filter(pk=slot.pk))
    slot.delete()
    event.refresh_from_db(fields=["first_starts_at", "last_ends_at"])  # kept by the slot signals
    _touch(event)
    _log(event, actor, HistoryAction.CHANGED, from_state=event.state, to_state=event.state,
         changes={"slots": {"removed": [slot.starts_at.isoformat(), slot.ends_at.isoformat()]}})


@transaction.atomic
def cancel_slot(actor, slot: Slot, reason: str) -> Slot:
    """One date of the event is cancelled: it stays listed, marked cancelled, and everyone
    registered to it is told (see registrations)."""
    event = _locked(slot.event)
    if not is_coordinator(actor, event.edition):
        require_event_editor(actor, event)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez la raison de l’annulation.")})
    slot = Slot.objects.select_for_update().get(pk=slot.pk, event=event)
    if slot.cancelled_at:
        raise TransitionError(_("Ce créneau est déjà annulé."))
    slot.cancelled_at = timezone.now()
    slot.save(update_fields=["cancelled_at"])
    slot_cancelled.send(sender=Slot, slot=slot, reason=reason)
    _touch(event)
    _log(event, actor, HistoryAction.CHANGED, from_state=event.state, to_state=event.state,
         comment=reason, changes={"slots": {"cancelled": slot.starts_at.isoformat()}})
    return slot


@transaction.atomic
def duplicate_event(actor, event: Event) -> Event:
    """A new draft with the same content and slots, for the same organisation."""
    require_event_editor(actor, event)
    fields = {name: getattr(event, name) for name in EVENT_FIELDS}
    fields.update({name: list(getattr(event, name).all()) for name in EVENT_RELATIONS})
    fields["title"] = f"{event.title} (copie)"[:200]
    copy = Event(organisation=event.organisation, edition=event.edition, created_by=actor)
    _apply(copy, fields)
    _set_slots(copy, [SlotData(s.starts_at, s.ends_at, s.capacity) for s in event.slots.all()])
    refresh_search_vector([copy.pk])
    _log(copy, actor, HistoryAction.DUPLICATED, to_state=EventState.DRAFT,
         comment=f"Copie de « {event.title} »")
    return copy


@transaction.atomic
def submit_event(actor, event: Event) -> Event:
    """The organiser sends a draft to the coordinators."""
    event = _locked(event)
    require_event_editor(actor, event)
    if event.state != EventState.DRAFT:
        raise TransitionError(_("Seul un brouillon peut être soumis."))
    if not event.organisation.is_approved:
        raise TransitionError(
            _("Votre organisation doit être validée par la coordination avant de soumettre.")
        )
    if not event.edition.accepts_submissions():
        raise TransitionError(
            _("La date limite de soumission de l'édition est passée : contactez la coordination.")
        )
    if not event.slots.exists():
        raise TransitionError(_("Ajoutez au moins un créneau avant de soumettre."))
    if not (event.formats.exists() and event.audiences.exists()):
        raise TransitionError(_("Indiquez au moins un format et un public avant de soumettre."))
    event.state = EventState.SUBMITTED
    event.submitted_at = timezone.now()
    event.save(update_fields=["state", "submitted_at", "updated_at"])
    _log(event, actor, HistoryAction.SUBMITTED, from_state=EventState.DRAFT,
         to_state=EventState.SUBMITTED)
    notifications.event_submitted(event, actor)
    return event


def _moderate(actor, event: Event, action, to_state, comment: str, *, need_comment: bool):
    event = _locked(event)
    require_coordinator(actor, event.edition)
    if event.state != EventState.SUBMITTED:
        raise TransitionError(_("Cet événement n'est pas en attente de validation."))
    if need_comment and not comment.strip():
        raise ValidationError({"comment": _("Expliquez votre décision à l'organisateur.")})
    from_state = event.state
    event.state = to_state
    update = ["state", "updated_at"]
    if to_state == EventState.PUBLISHED:
        event.published_at = timezone.now()
        update.append("published_at")
    event.save(update_fields=update)
    if to_state == EventState.PUBLISHED:
        content_changed()
    _log(event, actor, action, from_state=from_state, to_state=to_state, comment=comment)
    notifications.event_decided(event, actor, action, comment)
    return event


@transaction.atomic
def publish_event(actor, event: Event, comment: str = "") -> Event:
    return _moderate(actor, event, HistoryAction.PUBLISHED, EventState.PUBLISHED, comment,
                     need_comment=False)


@transaction.atomic
def return_event(actor, event: Event, comment: str) -> Event:
    """Back to draft, with what to correct."""
    return _moderate(actor, event, HistoryAction.RETURNED, EventState.DRAFT, comment,
                     need_comment=True)


@transaction.atomic
def refuse_event(actor, event: Event, comment: str) -> Event:
    return _moderate(actor, event, HistoryAction.REFUSED, EventState.REFUSED, comment,
                     need_comment=True)


@transaction.atomic
def set_event_status(actor, event: Event, status: str, comment: str = "") -> Event:
    """Tell visitors that the event is rescheduled, moved online, postponed, full or cancelled.

    The page stays online: a cancelled event keeps its page, marked cancelled.
    """
    event = _locked(event)
    if not (is_coordinator(actor, event.edition)):
        require_event_editor(actor, event)
    if status not in EventStatus.values:
        raise ValidationError({"status": _("Statut inconnu.")})
    if event.state == EventState.REFUSED:
        raise TransitionError(_("Un événement refusé ne peut plus changer de statut."))
    if event.status == EventStatus.CANCELLED and status != EventStatus.CANCELLED:
        raise TransitionError(_("Un événement annulé ne peut pas être rétabli : créez-en une copie."))
    if event.status == status:
        return event
    if status == EventStatus.CANCELLED and not comment.strip():
        raise ValidationError({"comment": _("Indiquez la raison de l'annulation.")})
    previous = event.status
    event.status = status
    event.save(update_fields=["status", "updated_at"])
    _touch(event)
    if status == EventStatus.CANCELLED:
        event_cancelled.send(sender=Event, event=event, reason=comment)
    action = HistoryAction.CANCELLED if status == EventStatus.CANCELLED else HistoryAction.STATUS
    _log(event, actor, action, from_state=event.state, to_state=event.state, comment=comment,
         changes={"status": {"before": previous, "after": status}})
    return event


def cancel_event(actor, event: Event, reason: str) -> Event:
    return set_event_status(actor, event, EventStatus.CANCELLED, reason)


@transaction.atomic
def reopen_submissions(actor, edition: Edition, until: datetime) -> Edition:
    """A coordinator lets late events in until a given time."""
    require_coordinator(actor, edition)
    if until <= timezone.now():
        raise ValidationError({"until": _("Choisissez une date à venir.")})
    if not dates.moment_in_range(until):
        raise ValidationError({"until": dates.out_of_range_message()})
    edition.submissions_reopened_until = until
    edition.save(update_fields=["submissions_reopened_until"])
    notifications.submissions_reopened(edition, actor)
    return edition


#: The fields of a venue that say where it is: a change of any of them places it again.
ADDRESS_FIELDS = ("address", "postcode", "commune", "departement_id")
#: Venues placed by one run of ``locate_missing_venues`` at most (the next run goes on).
LOCATE_BATCH = 500


def _same_point(a, b) -> bool:
    return (a is None) == (b is None) and (a is None or round(a, 6) == round(b, 6))


def _venue_moved(venue: Venue) -> None:
    """The venue's published events changed for visitors: new revision, ledger, caches."""
    if venue.pk and venue.events.exists():
        refresh_search_vector(list(venue.events.values_list("pk", flat=True)))
        published = (venue.events.filter(state=EventState.PUBLISHED)
                     .select_related(*RECORD_RELATED).prefetch_related(*RECORD_PREFETCH))
        _changed(published)
        record_events(published, "event.changed")
        content_changed()


@transaction.atomic
def save_venue(actor, organisation: Organisation, fields: dict, venue: Venue | None = None, *,
               precision: str = LocationPrecision.MANUAL) -> Venue:
    """Create or change a venue. Coordinates given (and changed) are kept, with ``precision``
    (``manual`` from the organiser's form, ``exact`` from imported data); without them, or when
    the address changes under coordinates that were not set by hand, the venue is placed in the
    background (``tasks.locate_venue``) once the change is committed."""
    require_member(actor, organisation)
    if venue is not None and venue.organisation_id != organisation.pk:
        raise ValidationError(_("Ce lieu n'appartient pas à votre organisation."))
    venue = venue or Venue(organisation=organisation)
    before = {name: getattr(venue, name) for name in (*ADDRESS_FIELDS, "latitude", "longitude")}
    for name, value in fields.items():
        setattr(venue, name, value)
    moved = not (_same_point(before["latitude"], venue.latitude)
                 and _same_point(before["longitude"], venue.longitude))
    address_changed = venue.pk is None or any(
        before[name] != getattr(venue, name) for name in ADDRESS_FIELDS)
    locate = False
    if venue.latitude is None or venue.longitude is None:
        venue.latitude = venue.longitude = None
        venue.location_precision = ""
        locate = True
    elif moved:
        venue.location_precision = precision
    elif address_changed and venue.location_precision != LocationPrecision.MANUAL:
        # The old position stays on the map until the new one is found.
        venue.location_precision = ""
        locate = True
    venue.full_clean()
    venue.save()
    _venue_moved(venue)
    if locate:
        venue_id = venue.pk
        transaction.on_commit(lambda: tasks.locate_venue.enqueue(venue_id))
    return venue


# --- programmes and tracks ---------------------------------------------------------------------


def _published_in(**lookup):
    return (Event.objects.filter(state=EventState.PUBLISHED, **lookup)
            .select_related(*RECORD_RELATED).prefetch_related(*RECORD_PREFETCH))


def _shown_events_changed(**lookup) -> None:
    """A programme's or a track's name or address changed: what visitors see of its published
    events did too (pages, exports, the API's synchronisation, their ledger records)."""
    published = _published_in(**lookup)
    if published.exists():
        _changed(published)
        record_events(published, "event.changed")
        refresh_search_vector(list(published.values_list("pk", flat=True)))
    content_changed()


def _clean_slug(value: str, field: str) -> str:
    slug = slugify(value or "")
    if value and not slug:
        raise ValidationError({field: _("Une adresse courte s'écrit en lettres, chiffres et tirets.")})
    return slug


def _save_with_slug(instance, *, chosen: bool, taken: dict, fresh, **scope) -> None:
    """Save ``instance``, whose slug was checked free a moment ago: another transaction may
    have taken it since (two coordinators creating at once). The database's unique constraint
    then refuses the row; inside a savepoint, that becomes the same French error beside the
    field when the slug was chosen, or a new free slug (``fresh()``) when it was derived."""
    for _attempt in range(20):
        try:
            with transaction.atomic():
                instance.save()
            return
        except IntegrityError:
            others = type(instance).objects.filter(slug=instance.slug, **scope)
            if instance.pk is not None:
                others = others.exclude(pk=instance.pk)
            if not others.exists():
                raise
            if chosen:
                raise ValidationError(taken) from None
            instance.slug = fresh()
    raise ValidationError(taken)


def _programme_slug_taken() -> dict:
    return {"slug": _("Cette adresse courte est déjà prise dans cette édition : choisissez-en une autre.")}


def _programme_values(programme: Programme, *, title: str, slug: str = "",
                      description: str = "") -> None:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Donnez un titre au programme.")})
    siblings = Programme.objects.filter(edition=programme.edition).exclude(pk=programme.pk)
    if siblings.filter(organisation=programme.organisation, title__iexact=title).exists():
        raise ValidationError({"title": _(
            "Votre organisation a déjà un programme de ce titre dans cette édition.")})
    wanted = _clean_slug(slug, "slug")
    if wanted and siblings.filter(slug=wanted).exists():
        raise ValidationError(_programme_slug_taken())
    programme.title = title
    programme.slug = wanted or programme.slug or unique_slug(
        Programme, title, max_length=200, edition=programme.edition)
    programme.description = description or ""
    programme.full_clean(exclude=["edition", "organisation"])


@transaction.atomic
def create_programme(actor, *, organisation: Organisation, edition: Edition, title: str,
                     slug: str = "", description: str = "") -> Programme:
    """An organisation's administrator (or the edition's coordination) opens a programme."""
    require_programme_manager(actor, organisation, edition)
    programme = Programme(organisation=organisation, edition=edition)
    _programme_values(programme, title=title, slug=slug, description=description)
    _save_programme(programme, chosen=bool(slug))
    content_changed()
    return programme


def _save_programme(programme: Programme, *, chosen: bool) -> None:
    _save_with_slug(programme, chosen=chosen, taken=_programme_slug_taken(),
                    fresh=lambda: unique_slug(Programme, programme.title, max_length=200,
                                              edition=programme.edition),
                    edition=programme.edition)


def _locked_programme(programme: Programme) -> Programme:
    return Programme.objects.select_for_update().select_related("edition", "organisation").get(
        pk=programme.pk)


@transaction.atomic
def update_programme(actor, programme: Programme, *, title: str, slug: str = "",
                     description: str = "") -> Programme:
    programme = _locked_programme(programme)
    require_programme_manager(actor, programme.organisation, programme.edition)
    before = (programme.title, programme.slug)
    _programme_values(programme, title=title, slug=slug or programme.slug, description=description)
    _save_programme(programme, chosen=True)
    if before != (programme.title, programme.slug):
        _shown_events_changed(programme=programme)
    else:
        content_changed()
    return programme


@transaction.atomic
def archive_programme(actor, programme: Programme, archived: bool = True) -> Programme:
    """Archived: no longer offered for new events; its page stays, marked archived. ``archived``
    False takes it out of the archive."""
    programme = _locked_programme(programme)
    require_programme_manager(actor, programme.organisation, programme.edition)
    programme.archived_at = timezone.now() if archived else None
    programme.save(update_fields=["archived_at"])
    content_changed()
    return programme


def _track_values(track: Track, *, name: str, slug: str = "", description: str = "") -> None:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Donnez un nom au parcours.")})
    siblings = Track.objects.filter(programme=track.programme).exclude(pk=track.pk)
    if siblings.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("Ce programme a déjà un parcours de ce nom.")})
    wanted = _clean_slug(slug, "slug")
    if wanted and siblings.filter(slug=wanted).exists():
        raise ValidationError({"slug": _(
            "Un autre parcours du programme a cette adresse courte : choisissez-en une autre.")})
    track.name = name
    track.slug = wanted or track.slug or unique_slug(
        Track, name, max_length=100, programme=track.programme)
    track.description = description or ""
    track.full_clean(exclude=["programme"])


@transaction.atomic
def create_track(actor, programme: Programme, *, name: str, slug: str = "",
                 description: str = "") -> Track:
    """A new track, placed after the programme's others."""
    programme = _locked_programme(programme)
    require_programme_manager(actor, programme.organisation, programme.edition)
    last = programme.tracks.aggregate(last=Max("position"))["last"]
    track = Track(programme=programme, position=0 if last is None else last + 1)
    _track_values(track, name=name, slug=slug, description=description)
    track.save()
    content_changed()
    return track


def _locked_track(track: Track) -> Track:
    programme = _locked_programme(track.programme)
    track = Track.objects.get(pk=track.pk, programme=programme)
    track.programme = programme
    return track


@transaction.atomic
def update_track(actor, track: Track, *, name: str, slug: str = "", description: str = "") -> Track:
    track = _locked_track(track)
    require_programme_manager(actor, track.programme.organisation, track.programme.edition)
    before = (track.name, track.slug)
    _track_values(track, name=name, slug=slug or track.slug, description=description)
    track.save()
    if before != (track.name, track.slug):
        _shown_events_changed(track=track)
    else:
        content_changed()
    return track


@transaction.atomic
def move_track(actor, track: Track, direction: str) -> Track:
    """Swap the track with the one before it (``up``) or after it (``down``) in its programme;
    at either end, nothing moves. The positions are renumbered 0, 1, 2… on the way."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Sens de déplacement inconnu."))
    track = _locked_track(track)
    require_programme_manager(actor, track.programme.organisation, track.programme.edition)
    tracks = list(track.programme.tracks.order_by("position", "name", "pk"))
    index = next(i for i, t in enumerate(tracks) if t.pk == track.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(tracks):
        tracks[index], tracks[other] = tracks[other], tracks[index]
    for position, item in enumerate(tracks):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    content_changed()
    return next(t for t in tracks if t.pk == track.pk)


@transaction.atomic
def archive_track(actor, track: Track, archived: bool = True) -> Track:
    track = _locked_track(track)
    require_programme_manager(actor, track.programme.organisation, track.programme.edition)
    track.archived_at = timezone.now() if archived else None
    track.save(update_fields=["archived_at"])
    content_changed()
    return track


# --- editions ----------------------------------------------------------------------------------

#: What coordinators set of an edition (its address is chosen once, at its creation).
EDITION_FIELDS = ("name", "starts_on", "ends_on", "theme_of_year", "description",
                  "submission_deadline")


def _edition_values(edition: Edition, fields: dict) -> None:
    for name in EDITION_FIELDS:
        if name in fields:
            setattr(edition, name, fields[name])
    edition.name = (edition.name or "").strip()
    if edition.submission_deadline and not dates.moment_in_range(edition.submission_deadline):
        raise ValidationError({"submission_deadline": dates.out_of_range_message()})
    edition.full_clean(exclude=["slug"], validate_constraints=False)


#: Words the coordination's pages use after ``editions/`` (``editions/nouvelle/`` creates one):
#: no edition may take them as its address, its page would be out of reach.
RESERVED_EDITION_SLUGS = frozenset({"nouvelle"})


def _edition_slug(name: str) -> str:
    """A free slug derived from the edition's name, never a reserved word."""
    slug = unique_slug(Edition, name, max_length=100)
    if slug in RESERVED_EDITION_SLUGS:
        slug = unique_slug(Edition, f"{slug} edition", max_length=100)
    return slug


@transaction.atomic
def create_edition(actor, fields: dict, slug: str = "") -> Edition:
    """A national coordinator prepares a new edition; they become its first coordinator."""
    require_edition_creator(actor)
    edition = Edition()
    _edition_values(edition, fields)
    wanted = _clean_slug(slug, "slug")
    taken = {"slug": _("Une autre édition a cette adresse courte : choisissez-en une autre.")}
    if wanted in RESERVED_EDITION_SLUGS:
        raise ValidationError({"slug": _("« %(slug)s » est un mot réservé des pages de la coordination : "
                                         "choisissez une autre adresse courte.") % {"slug": wanted}})
    if wanted and Edition.objects.filter(slug=wanted).exists():
        raise ValidationError(taken)
    edition.slug = wanted or _edition_slug(edition.name)
    _save_with_slug(edition, chosen=bool(wanted), taken=taken, fresh=lambda: _edition_slug(edition.name))
    Coordination.objects.create(edition=edition, user=actor)
    content_changed()
    return edition


def _locked_edition(edition: Edition) -> Edition:
    return Edition.objects.select_for_update().get(pk=edition.pk)


@transaction.atomic
def update_edition(actor, edition: Edition, fields: dict) -> Edition:
    edition = _locked_edition(edition)
    require_coordinator(actor, edition)
    _edition_values(edition, fields)
    edition.save()
    content_changed()
    return edition


@transaction.atomic
def close_submissions(actor, edition: Edition) -> Edition:
    """No more submissions from now on (a reopening is withdrawn)."""
    edition = _locked_edition(edition)
    require_coordinator(actor, edition)
    now = timezone.now()
    if edition.submission_deadline > now:
        edition.submission_deadline = now
    edition.submissions_reopened_until = None
    edition.save(update_fields=["submission_deadline", "submissions_reopened_until"])
    content_changed()
    return edition


def open_submissions(actor, edition: Edition, until: datetime) -> Edition:
    """Submissions open until ``until`` (the organisations with drafts are told)."""
    return reopen_submissions(actor, edition, until)


@transaction.atomic
def set_current_edition(actor, edition: Edition) -> Edition:
    """The edition the site shows first. One at a time: every edition's row is locked, so two
    coordinators choosing at once take turns instead of breaking ``one_current_edition``."""
    require_coordinator(actor, edition)
    list(Edition.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    Edition.objects.filter(is_current=True).exclude(pk=edition.pk).update(is_current=False)
    Edition.objects.filter(pk=edition.pk).update(is_current=True)
    edition.refresh_from_db()
    content_changed()
    return edition


@transaction.atomic
def add_coordinator(actor, edition: Edition, email: str) -> Coordination:
    """A coordinator brings in another person with an account; they are told by e-mail."""
    edition = _locked_edition(edition)
    require_coordinator(actor, edition)
    email = (email or "").strip()
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise ValidationError({"email": _(
            "Aucun compte n'utilise cette adresse : la personne doit d'abord créer son compte.")})
    if Coordination.objects.filter(edition=edition, user=user).exists():
        raise ValidationError({"email": _("Cette personne coordonne déjà l'édition.")})
    coordination = Coordination.objects.create(edition=edition, user=user)
    notifications.coordinator_added(edition, user, actor)
    return coordination


def locate_venue(venue_id: int) -> Venue | None:
    """Place a venue by its address (the address service, outside any transaction), else at
    the centre of its commune. A venue whose address changed meanwhile, or that its organiser
    placed by hand meanwhile, is left alone (the change queued its own placing)."""
    venue = Venue.objects.select_related("departement").filter(pk=venue_id).first()
    if venue is None:
        return None
    address = tuple(getattr(venue, name) for name in ADDRESS_FIELDS)
    position = geocoding.locate(venue.address, venue.postcode, venue.commune, venue.departement.code)
    if position is None:
        return venue
    with transaction.atomic():
        venue = Venue.objects.select_for_update().get(pk=venue_id)
        if tuple(getattr(venue, name) for name in ADDRESS_FIELDS) != address:
            return venue
        if venue.location_precision in (LocationPrecision.MANUAL, LocationPrecision.EXACT) \
                and venue.latitude is not None:
            return venue
        unchanged = (venue.location_precision == position.precision
                     and _same_point(venue.latitude, position.latitude)
                     and _same_point(venue.longitude, position.longitude))
        if unchanged:
            return venue
        venue.latitude, venue.longitude = position.latitude, position.longitude
        venue.location_precision = position.precision
        venue.save(update_fields=["latitude", "longitude", "location_precision"])
        _venue_moved(venue)
    return venue


def locate_missing_venues(*, limit: int = LOCATE_BATCH, approximate: bool = False) -> int:
    """Place the venues that have no position yet (venues created before positions were looked
    up, or in bulk), and with ``approximate`` those placed at a commune's or département's
    centre (the address service may find them now); returns how many were placed."""
    missing = Q(latitude__isnull=True)
    if approximate:
        missing |= Q(location_precision__in=APPROXIMATE_PRECISIONS)
    placed = 0
    for venue_id in Venue.objects.filter(missing).order_by("pk").values_list("pk", flat=True)[:limit]:
        venue = locate_venue(venue_id)
        placed += venue is not None and venue.latitude is not None
    return placed


@transaction.atomic
def send_decision_emails_again(actor, event: Event) -> int:
    """A coordinator of the edition tries again the decision e-mails about ``event`` that
    could not be sent (once the organiser's address is fixed)."""
    require_coordinator(actor, event.edition)
    return outbox.send_again(decision_emails(event))

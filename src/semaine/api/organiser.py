"""Organisers' writes with an API token: the same services, permissions and validation as the
organiser space (``agenda.services`` through ``agenda.forms``), for the token's organisation only."""

from uuid import UUID

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from semaine.agenda import queries
from semaine.agenda import services as agenda_services
from semaine.agenda.forms import EventForm, SlotForm, SlotFormSet
from semaine.agenda.models import (
    ACCESSIBILITY_FIELDS,
    Audience,
    Event,
    Format,
    Programme,
    Theme,
    Track,
    Venue,
)
from semaine.organisers.models import Organisation

from . import pagination, serialise
from .auth import TokenAuth, TokenRateLimit
from .errors import ApiProblem
from .schemas import (
    CancelIn,
    EventCreateIn,
    EventPatchIn,
    OrganiserEventOut,
    OrganiserEventPage,
    OrganiserVenueOut,
    Problem,
    SlotIn,
    SlotOut,
    StateValue,
    WhoAmIOut,
)

router = Router(tags=["Organisateurs (jeton d’API)"], auth=TokenAuth(), throttle=TokenRateLimit())
ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 413: Problem,
          422: Problem, 429: Problem}
MISSING = -1  # an id no row has: the form then names the field with its usual message

RELATIONS = {"formats": Format, "themes": Theme, "audiences": Audience}


def _invalid(errors: list[dict]) -> ApiProblem:
    return ApiProblem(422, _("Données invalides"), " ".join(e["detail"] for e in errors), errors)


def _form_errors(form, prefix: str = "") -> list[dict]:
    names = {name: "accessibility" for name, _label in ACCESSIBILITY_FIELDS}
    errors = []
    for name, items in form.errors.get_json_data().items():
        field = "" if name == "__all__" else names.get(name, name)
        errors.extend({"field": prefix + field if field else prefix.rstrip("."), "location": "body",
                       "detail": item["message"]} for item in items)
    return errors


def _actor(request):
    """The token acts as the person who created it (``TokenAuth`` checked that they still act
    for its organisation)."""
    return request.auth.created_by


def _event(request, event_id: UUID) -> Event:
    """An event of the token's organisation; any other answers 404, as if it did not exist."""
    return Event.objects.select_related("organisation", "edition").get(
        organisation=request.auth.organisation, public_id=event_id
    )


def _slugs_to_ids(model, slugs, scope=None) -> list[int]:
    queryset = (scope if scope is not None else model.objects).filter(slug__in=slugs)
    found = dict(queryset.values_list("slug", "pk"))
    return [found.get(slug, MISSING) for slug in slugs]


def _form_data(event: Event | None, organisation, edition, values: dict) -> dict:
    """The organiser space's form data: the event's current values, then the ones sent."""
    if event is not None:
        data = {
            name: getattr(event, name) for name in (
                "title", "summary", "description", "age_min", "age_max", "attendance_mode",
                "online_url", "languages", "image_alt", "image_credit", "registration_mode",
                "registration_url", "capacity", "registration_per_slot", "offer_hours")
        }
        data.update({name: getattr(event, name) for name, _label in ACCESSIBILITY_FIELDS})
        data.update(programme=event.programme_id, track=event.track_id, venue=event.venue_id)
        for name in ("formats", "themes", "audiences", "co_organisers"):
            data[name] = [item.pk for item in getattr(event, name).all()]
    else:
        data = {}
    for name, value in values.items():
        if name in RELATIONS:
            data[name] = _slugs_to_ids(RELATIONS[name], value)
        elif name == "co_organisers":
            data[name] = _slugs_to_ids(Organisation, value)
        elif name == "programme":
            data[name] = (_slugs_to_ids(Programme, [value], Programme.objects.filter(edition=edition))[0]
                          if value else None)
        elif name == "accessibility":
            data.update({field: field.removeprefix("access_") in value
                         for field, _label in ACCESSIBILITY_FIELDS})
        elif name != "track":
            data[name] = value
    if "track" in values or "programme" in values:
        track = values.get("track") if "track" in values else (
            event.track.slug if event is not None and event.track else None)
        programme_id = data.get("programme")
        data["track"] = None
        if track:
            data["track"] = Track.objects.filter(programme_id=programme_id, slug=track).values_list(
                "pk", flat=True).first() or MISSING
    return {name: value for name, value in data.items() if value is not None}


def _slot_form_data(slots: list[SlotIn]) -> dict:
    data = {"slots-TOTAL_FORMS": str(len(slots)), "slots-INITIAL_FORMS": "0",
            "slots-MIN_NUM_FORMS": "0", "slots-MAX_NUM_FORMS": "1000"}
    for i, slot in enumerate(slots):
        data[f"slots-{i}-starts_at"] = slot.starts_at.isoformat()
        data[f"slots-{i}-ends_at"] = slot.ends_at.isoformat()
        if slot.capacity is not None:
            data[f"slots-{i}-capacity"] = str(slot.capacity)
    return data


def _validated_form(event, organisation, edition, values: dict) -> EventForm:
    form = EventForm(_form_data(event, organisation, edition, values), instance=event,
                     organisation=organisation, edition=edition)
    if not form.is_valid():
        raise _invalid(_form_errors(form))
    return form


def _loaded(request, event: Event) -> dict:
    fresh = serialise.with_api_data(Event.objects.filter(pk=event.pk)).get()
    return serialise.organiser_event(request, fresh)


@router.get("", response={200: WhoAmIOut, **ERRORS}, summary="Le jeton et son organisation")
def whoami(request):
    token = request.auth
    return {"organisation": {"slug": token.organisation.slug, "name": token.organisation.name},
            "token": token.name, "approved": token.organisation.is_approved}


@router.get("/venues", response={200: list[OrganiserVenueOut], **ERRORS},
            summary="Les lieux de l’organisation (pour `venue`)")
def venues(request):
    return [{"id": v.pk, "name": v.name, "address": v.address, "postcode": v.postcode,
             "commune": v.commune, "departement": v.departement.code}
            for v in Venue.objects.filter(organisation=request.auth.organisation)
            .select_related("departement")[:500]]


class OrganiserEventQuery(Schema):
    state: StateValue | None = None
    cursor: str | None = Field(None, max_length=2000)
    limit: int = Field(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT)


@router.get("/events", response={200: OrganiserEventPage, **ERRORS},
            summary="Les événements de l’organisation, brouillons compris")
def events(request, query: Query[OrganiserEventQuery]):
    queryset = Event.objects.filter(organisation=request.auth.organisation)
    if query.state:
        queryset = queryset.filter(state=query.state)
    rows, next_cursor = pagination.page(
        serialise.with_api_data(queryset), kind="organiser-events", fields=[("pk", False)],
        cursor=query.cursor, limit=query.limit,
    )
    return {"items": [serialise.organiser_event(request, e) for e in rows], "next_cursor": next_cursor}


@router.post("/events", response={201: OrganiserEventOut, **ERRORS},
             summary="Créer un événement (brouillon) dans l’édition ouverte aux soumissions")
def create_event(request, payload: EventCreateIn):
    """The draft goes to the current edition if it takes submissions, else to the soonest
    edition that does."""
    token = request.auth
    actor = _actor(request)
    edition = queries.submission_edition()
    if edition is None:
        raise ApiProblem(409, _("Aucune édition"),
                         _("Aucune édition n’accepte d’événements en ce moment."))
    values = payload.model_dump(exclude={"slots"})
    form = _validated_form(None, token.organisation, edition, values)
    slots = SlotFormSet(_slot_form_data(payload.slots), prefix="slots", edition=edition)
    if not slots.is_valid():
        errors = [e for i, f in enumerate(slots.forms) for e in _form_errors(f, f"slots.{i}.")]
        errors += [{"field": "slots", "location": "body", "detail": m} for m in slots.non_form_errors()]
        raise _invalid(errors)
    with transaction.atomic():
        event = agenda_services.create_event(
            actor, organisation=token.organisation, edition=edition,
            fields=form.service_fields(), slots=slots.slot_data(),
        )
    return Status(201, _loaded(request, event))


@router.get("/events/{event_id}", response={200: OrganiserEventOut, **ERRORS},
            summary="Un événement de l’organisation")
def event_detail(request, event_id: UUID):
    return _loaded(request, _event(request, event_id))


@router.patch("/events/{event_id}", response={200: OrganiserEventOut, **ERRORS},
              summary="Modifier un événement (seuls les champs envoyés changent)")
def update_event(request, event_id: UUID, payload: EventPatchIn):
    event = _event(request, event_id)
    values = payload.model_dump(exclude_unset=True)
    comment = values.pop("comment", "")
    form = _validated_form(event, event.organisation, event.edition, values)
    event = agenda_services.update_event(request.auth.created_by, event, fields=form.service_fields(),
                                         comment=comment)
    return _loaded(request, event)


@router.post("/events/{event_id}/slots", response={201: SlotOut, **ERRORS}, summary="Ajouter un créneau")
def add_slot(request, event_id: UUID, payload: SlotIn):
    event = _event(request, event_id)
    form = SlotForm({"starts_at": payload.starts_at.isoformat(), "ends_at": payload.ends_at.isoformat(),
                     "capacity": payload.capacity}, edition=event.edition)
    if not form.is_valid():
        raise _invalid(_form_errors(form))
    slot = agenda_services.add_slot(
        request.auth.created_by, event,
        agenda_services.SlotData(form.cleaned_data["starts_at"], form.cleaned_data["ends_at"],
                                 form.cleaned_data.get("capacity")),
    )
    return Status(201, serialise.slot(slot))


@router.delete("/events/{event_id}/slots/{slot_id}", response={204: None, **ERRORS},
               summary="Retirer un créneau (sans inscription)")
def remove_slot(request, event_id: UUID, slot_id: int):
    agenda_services.remove_slot(request.auth.created_by, _event(request, event_id), slot_id)
    return Status(204, None)


@router.post("/events/{event_id}/submit", response={200: OrganiserEventOut, **ERRORS},
             summary="Soumettre à la coordination")
def submit_event(request, event_id: UUID):
    event = agenda_services.submit_event(request.auth.created_by, _event(request, event_id))
    return _loaded(request, event)


@router.post("/events/{event_id}/cancel", response={200: OrganiserEventOut, **ERRORS},
             summary="Annuler l’événement (sa page reste, marquée annulée)")
def cancel_event(request, event_id: UUID, payload: CancelIn):
    event = agenda_services.cancel_event(request.auth.created_by, _event(request, event_id),
                                         payload.reason)
    return _loaded(request, event)


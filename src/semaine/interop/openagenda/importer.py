"""Importing an OpenAgenda document into an organisation's programme, directly or as a run of
the background worker.

The import writes through the programme's services (``agenda.services``: create and update an
event with its slots, save a venue, change its status or cancel it, submit it), so permissions,
the history and the public ledger apply as on the web pages. Each source event is imported in
its own transaction and gets one line of report; it is recognised on the next import by its
source ids (agenda uid, event uid), so a second import updates and never duplicates.
"""

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import rfc8785
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from semaine.agenda import services as agenda_services
from semaine.agenda.models import (
    Event,
    EventState,
    EventStatus,
    LocationPrecision,
    Programme,
    RegistrationMode,
    Track,
    Venue,
)
from semaine.agenda.services import SlotData
from semaine.core.text import one_line
from semaine.interop.models import ImportStatus, OpenAgendaImport, OpenAgendaLink
from semaine.organisers.models import Organisation
from semaine.organisers.permissions import require_member

from .mapping import Place, References, Skip, map_event
from .reader import text_of
from .tasks import run_openagenda_import


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
    value = {"event": raw, "options": options}
    try:
        canonical = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:  # an integer beyond 2**53 (an identifier, say)
        canonical = json.dumps(value, sort_keys=True, ensure_ascii=False,
                               separators=(",", ":")).encode()
    return hashlib.sha256(canonical).hexdigest()


def _venue(actor, organisation: Organisation, place: Place) -> Venue:
    """The organisation's venue of that name in that commune, or a new one."""
    venue = organisation.venues.filter(name__iexact=place.name, commune__iexact=place.commune
                                       ).order_by("pk").first()
    if venue is None:
        venue = agenda_services.save_venue(actor, organisation, {
            "name": place.name, "address": place.address, "postcode": place.postcode,
            "commune": place.commune, "departement": place.departement,
            "latitude": place.latitude, "longitude": place.longitude,
        }, precision=LocationPrecision.EXACT)
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
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError):
        # a field of a type no OpenAgenda file gives: the event is left out, the others go on
        return Line(uid, title, Outcome.SKIPPED,
                    _("Un champ de cet événement n’a pas le type attendu par le format "
                      "OpenAgenda : événement non importé."))
    return Line(uid, title, outcome, " ".join(str(note) for note in mapped.notes), event.pk)


def _check_tracks(programme: Programme, track: Track | None, track_keywords: dict | None) -> None:
    for item in (track, *(track_keywords or {}).values()):
        if item is not None and item.programme_id != programme.pk:
            raise ValidationError({"track": _("Ce parcours n'appartient pas au programme choisi.")})


def _agenda_uid(document: dict, raw: dict) -> str:
    for key in ("originAgenda", "origin"):  # « origin » in the agenda's JSON export
        origin = raw.get(key)
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

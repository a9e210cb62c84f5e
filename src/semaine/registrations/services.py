"""Every write on registrations: seats are allocated under a row lock on the slot.

Whoever changes who holds a seat of a slot (register, confirm, cancel, offer, accept, expire)
first locks that slot's row (`SELECT … FOR UPDATE`), so two transactions never count the same
free seat: 200 people racing for 50 seats give exactly 50 confirmed and 150 waiting.
"""

import io
import uuid
from datetime import datetime, time, timedelta

import segno
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from semaine.accounts import outbox
from semaine.accounts.models import EmailKind
from semaine.agenda.models import PARIS, EventState, EventStatus, RegistrationMode, Slot
from semaine.agenda.permissions import require_event_editor
from semaine.core.cache import content_changed
from semaine.ledger.services import record_many, utc_time
from semaine.ui.dates import format_date

from . import ledger
from .ics import slot_calendar
from .models import (
    ACTIVE,
    HOLDS_SEAT,
    AccessNeed,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
)
from .queries import waiting_position, waiting_queue

Status = RegistrationStatus


def capacity_of(slot: Slot, event=None) -> int | None:
    """Seats of the slot: its own capacity, or the event's; None means unlimited. ``event``, the
    slot's event, when the caller holds it (a slot read as a row of values has none)."""
    return slot.capacity or (event if event is not None else slot.event).capacity


def held_seats(slot: Slot) -> int:
    return Registration.objects.filter(slot=slot, status__in=HOLDS_SEAT).count()


def _lock(slot: Slot) -> Slot:
    """Lock the slot's row only (not its event's or edition's, which the join also reads)."""
    return Slot.objects.select_for_update(of=("self",)).select_related("event__edition").get(
        pk=slot.pk
    )


def _link(name: str, registration: Registration) -> str:
    return settings.SITE_URL + reverse(f"registrations:{name}", kwargs={"token": registration.token})


def _mail(registration: Registration, template: str, subject: str, *, with_ics=False,
          kind: str = EmailKind.REGISTRATION, batch=None, **extra) -> None:
    """Queue an e-mail to the registrant in the outbox; the worker renders it (and its .ics) once
    committed, so neither the request nor the slot's lock waits for templates. If it cannot be
    sent, the event's attendee list shows it to the organiser."""
    outbox.queue(to=registration.email, subject=str(subject), kind=kind, registration=registration,
                 template=template, with_ics=with_ics,
                 extra={key: str(value) for key, value in extra.items()},
                 event=registration.event_id, batch=batch)


def render_outgoing(email):
    """The outbox's renderer of registrants' e-mails: None once the registration is erased."""
    registration = email.registration
    if registration is None or registration.email.endswith("@invalid"):
        return None
    return render_email(registration, email.template, email.with_ics, email.extra)


def render_email(registration: Registration, template: str, with_ics: bool, extra: dict):
    """The body and attachments of a registrant's e-mail (run by the worker)."""
    context = {
        "registration": registration, "event": registration.event, "slot": registration.slot,
        "manage_url": _link("manage", registration), "site_url": settings.SITE_URL, **extra,
    }
    attachments = []
    if with_ics:
        cancelled = registration.status in (Status.CANCELLED, Status.EXPIRED)
        attachments.append(("evenement.ics", slot_calendar(registration.event, registration.slot,
                                                           cancelled=cancelled), "text/calendar"))
    if registration.status == Status.CONFIRMED and template in ("confirmed", "reminder"):
        attachments.append(("billet.png", ticket_qr_png(registration), "image/png"))
    return render_to_string(f"registrations/email/{template}.txt", context), attachments or None


def ticket_qr_png(registration: Registration) -> bytes:
    """The QR code the welcome desk scans: a signed link, not a guessable number."""

    url = settings.SITE_URL + reverse("registrations:scan",
                                      kwargs={"code": checkin_token(registration)})
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def _check_open(slot: Slot) -> None:
    event = slot.event
    if event.registration_mode != RegistrationMode.PLATFORM:
        raise ValidationError(_("Cet événement ne prend pas d’inscription sur la plateforme."))
    if event.state != EventState.PUBLISHED or event.status in (EventStatus.CANCELLED,
                                                                 EventStatus.POSTPONED):
        raise ValidationError(_("Les inscriptions à cet événement sont fermées."))
    now = timezone.now()
    if slot.starts_at <= now:
        raise ValidationError(_("Ce créneau est passé : on ne peut plus s’y inscrire."))
    if not event.registration_per_slot and event.first_starts_at and event.first_starts_at <= now:
        # registered as a whole: closed once it has begun (``Event.registration_slots``)
        raise ValidationError(_("Les inscriptions à cet événement sont fermées."))
    if slot.cancelled_at:
        raise ValidationError(_("Ce créneau est annulé."))


def _clean_answers(event, answers: dict) -> dict:
    """Keep the answers to this event's questions; a required one missing is refused."""
    cleaned = {}
    for question in event.questions.all():
        value = answers.get(str(question.pk), answers.get(question.pk))
        if question.kind == QuestionKind.CHECKBOX:
            value = bool(value)
        elif question.kind == QuestionKind.CHOICE and value not in (None, ""):
            if value not in question.choice_list:
                raise ValidationError({f"q_{question.pk}": _("Choisissez l’une des réponses proposées.")})
        else:
            value = (value or "").strip()[:1000] if isinstance(value, str) or value is None else str(value)
        if question.required and value in (None, "", False):
            raise ValidationError({f"q_{question.pk}": _("Cette question demande une réponse.")})
        cleaned[str(question.pk)] = value
    return cleaned


def _allocate(registration: Registration, slot: Slot) -> Registration:
    """Confirm if a seat is free, otherwise put on the waiting list (the slot is locked)."""
    capacity = capacity_of(slot)
    if capacity is None or held_seats(slot) < capacity:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = timezone.now()
    else:
        registration.status = Status.WAITLISTED
    registration.save()
    if (registration.status == Status.CONFIRMED and capacity is not None
            and held_seats(slot) == capacity):
        content_changed()  # the event page's offer says the slot is now on the waiting list
    if registration.status == Status.CONFIRMED:
        _mail(registration, "confirmed", _("Inscription confirmée : %(t)s") % {"t": slot.event.title},
              with_ics=True)
    else:
        _mail(registration, "waitlisted",
              _("Liste d’attente : %(t)s") % {"t": slot.event.title},
              position=waiting_position(registration))
    return registration


@transaction.atomic
def register(*, slot: Slot, email: str, first_name: str, last_name: str, user=None,
             any_slot: bool = False, access_needs=(), access_other: str = "", answers=None,
             email_verified: bool = False) -> Registration:
    """Register a person for a slot. A signed-in person (verified address) gets a seat or a place
    on the waiting list at once; anyone else first confirms their address (double opt-in).
    Registering twice for the same slot gives back the registration that exists."""
    slot = _lock(slot)
    _check_open(slot)
    email = email.strip().lower()
    existing = Registration.objects.filter(slot=slot, email=email, status__in=ACTIVE).first()
    if existing:
        return existing
    unknown = set(access_needs) - set(AccessNeed.values)
    if unknown:
        raise ValidationError(_("Besoin d’accessibilité inconnu."))
    answers = _clean_answers(slot.event, answers or {})
    registration = Registration(
        event=slot.event, slot=slot, user=user, email=email, first_name=first_name.strip(),
        last_name=last_name.strip(), any_slot=any_slot, access_needs=sorted(set(access_needs)),
        access_other=access_other.strip()[:300], answers=answers, status=Status.PENDING,
    )
    if not email_verified:
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:
            return Registration.objects.get(slot=slot, email=email, status__in=ACTIVE)
        _mail(registration, "confirm_address", _("Confirmez votre inscription : %(t)s")
              % {"t": slot.event.title}, confirm_url=_link("confirm", registration))
        return registration
    return _allocate(registration, slot)


@transaction.atomic
def confirm_address(token: str) -> Registration:
    """The link of the double opt-in: now the seat (or the waiting list) is decided."""
    registration = _by_token(token)
    slot = _lock(registration.slot)
    registration.refresh_from_db()
    if registration.status != Status.PENDING:
        return registration  # already confirmed: the link may be opened twice
    _check_open(slot)
    return _allocate(registration, slot)


def _by_token(token: str) -> Registration:
    registration = Registration.objects.select_related("slot", "event").filter(token=token[:64]).first()
    if registration is None:
        raise ValidationError(_("Ce lien n’est pas valide."))
    return registration


def _offer_next(slot: Slot) -> None:
    """Offer each free seat of the (locked) slot to the first in line, for this slot or for any
    slot of the event, with a time limit."""
    capacity = capacity_of(slot)
    while capacity is not None and held_seats(slot) < capacity:
        candidate = waiting_queue(slot).select_for_update(skip_locked=True).first()
        if candidate is None:
            if held_seats(slot) == capacity - 1:
                content_changed()  # the seat just freed makes the event page's offer in stock
            return
        candidate.slot = slot
        candidate.status = Status.OFFERED
        candidate.offered_at = timezone.now()
        candidate.offer_expires_at = candidate.offered_at + timedelta(hours=slot.event.offer_hours)
        candidate.save()
        _mail(candidate, "offer", _("Une place s’est libérée : %(t)s") % {"t": slot.event.title},
              with_ics=True, accept_url=_link("accept", candidate))


@transaction.atomic
def cancel(registration: Registration, *, actor=None, notify: bool = True) -> Registration:
    """Cancelled by the attendee (link or account) or by the organiser; the seat goes to the
    next in line."""
    slot = _lock(registration.slot)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if actor is not None and actor.is_authenticated and registration.user_id != actor.pk:
        require_event_editor(actor, slot.event)
    if registration.status not in ACTIVE:
        raise ValidationError(_("Cette inscription est déjà annulée."))
    freed = registration.holds_seat
    registration.status = Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    if notify:
        _mail(registration, "cancelled", _("Inscription annulée : %(t)s") % {"t": slot.event.title},
              with_ics=True)
    if freed:
        _offer_next(slot)
    return registration


def accept_offer(token: str) -> Registration:
    """Take an offered seat. Too late, the offer expires and the seat goes to the next person
    (that is kept, then the refusal is raised)."""
    with transaction.atomic():
        registration = _by_token(token)
        slot = _lock(registration.slot)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.slot_id != slot.pk:  # moved to another slot meanwhile: lock that one
            slot = _lock(registration.slot)
        if registration.status == Status.CONFIRMED:
            return registration
        if registration.status != Status.OFFERED:
            raise ValidationError(_("Cette proposition n’est plus valable."))
        expired = registration.offer_expires_at and registration.offer_expires_at <= timezone.now()
        if expired:
            registration.status = Status.EXPIRED
            registration.save(update_fields=["status"])
            _offer_next(slot)
        else:
            registration.status = Status.CONFIRMED
            registration.confirmed_at = timezone.now()
            registration.save(update_fields=["status", "confirmed_at"])
            _mail(registration, "confirmed",
                  _("Inscription confirmée : %(t)s") % {"t": slot.event.title}, with_ics=True)
    if expired:
        raise ValidationError(_("Le délai pour accepter cette place est dépassé : elle a été "
                                "proposée à la personne suivante."))
    return registration


def expire_offers(now=None) -> int:
    """Offers past their time limit expire and go to the next in line (a scheduled task)."""
    now = now or timezone.now()
    count = 0
    for pk, slot_id in Registration.objects.filter(
        status=Status.OFFERED, offer_expires_at__lte=now
    ).values_list("pk", "slot_id"):
        with transaction.atomic():
            slot = _lock(Slot(pk=slot_id))
            registration = Registration.objects.select_for_update().get(pk=pk)
            if registration.status != Status.OFFERED or registration.offer_expires_at > now:
                continue
            registration.status = Status.EXPIRED
            registration.save(update_fields=["status"])
            _offer_next(slot)
            count += 1
    return count


def checkin_window(event, slot) -> tuple[datetime, datetime]:
    """When the welcome desk may record a presence on ``slot`` (or, for an event registered as a
    whole, on any of its slots): from ``SEMAINE_CHECKIN_OPENS_BEFORE`` hours before the start,
    or from the start of its day (Paris time) when unset, until ``SEMAINE_CHECKIN_CLOSES_AFTER``
    hours after the end, or the end of its last day when unset."""
    start, end = slot.starts_at, slot.ends_at
    if not event.registration_per_slot and event.first_starts_at and event.last_ends_at:
        start, end = event.first_starts_at, event.last_ends_at
    before = settings.SEMAINE_CHECKIN_OPENS_BEFORE
    after = settings.SEMAINE_CHECKIN_CLOSES_AFTER
    opens = (start - timedelta(hours=before) if before is not None
             else datetime.combine(timezone.localtime(start, PARIS).date(), time.min, PARIS))
    closes = (end + timedelta(hours=after) if after is not None
              else datetime.combine(timezone.localtime(end, PARIS).date() + timedelta(days=1),
                                    time.min, PARIS))
    return opens, closes


def checkin_refusal(event, slot, now=None) -> str | None:
    """Why no presence can be recorded on ``slot`` now, in French; None when it can."""
    if slot.cancelled_at:
        return _("Ce créneau est annulé : on n’y enregistre pas de présence.")
    now = now or timezone.now()
    opens, closes = checkin_window(event, slot)
    if now < opens:
        return _("L’accueil ouvre le %(d)s : on n’enregistre pas de présence avant le jour "
                 "de l’événement.") % {"d": _paris(opens)}
    if now >= closes:
        return _("L’accueil a fermé le %(d)s : on n’enregistre plus de présence après "
                 "l’événement.") % {"d": _paris(closes)}
    return None


def _paris(moment) -> str:
    return format_date(timezone.localtime(moment, PARIS), "j F Y à H:i")


@transaction.atomic
def check_in(actor, registration: Registration, *, now=None) -> Registration:
    """Record that a confirmed attendee came, within the check-in window of their slot."""
    require_event_editor(actor, registration.event)
    registration = Registration.objects.select_for_update().select_related("event", "slot").get(
        pk=registration.pk)
    if registration.status != Status.CONFIRMED:
        raise ValidationError(_("Seule une personne inscrite peut être pointée."))
    if registration.checked_in_at is None:
        refusal = checkin_refusal(registration.event, registration.slot, now)
        if refusal:
            raise ValidationError(refusal)
        registration.checked_in_at = now or timezone.now()
        registration.save(update_fields=["checked_in_at"])
    return registration


def certificate_refusal(registration: Registration, now=None) -> str | None:
    """Why ``registration`` has no attendance certificate yet, in French; None when it has one:
    a confirmed attendee whose presence was recorded, once the event has started (a certificate
    says the person took part)."""
    if registration.status != Status.CONFIRMED or registration.checked_in_at is None:
        return _("L’attestation est disponible une fois votre présence enregistrée à l’accueil.")
    event, slot = registration.event, registration.slot
    start = slot.starts_at
    if not event.registration_per_slot and event.first_starts_at:
        start = event.first_starts_at
    if (now or timezone.now()) < start:
        return _("L’attestation sera disponible à partir du %(d)s, quand l’événement aura "
                 "commencé.") % {"d": _paris(start)}
    return None


def cancel_for_cancelled_slot(sender, slot, reason="", **kwargs) -> int:
    """The organiser cancelled one date: the people registered to it are told why."""
    return _cancel_all(Registration.objects.filter(slot=slot, status__in=ACTIVE), slot.event, reason,
                       _("Date annulée : %(t)s"))


def cancel_for_cancelled_event(sender, event, reason="", **kwargs) -> int:
    """The organiser cancelled the event: every attendee and waiting person is told why."""
    return _cancel_all(Registration.objects.filter(event=event, status__in=ACTIVE), event, reason,
                       _("Événement annulé : %(t)s"))


def _cancel_all(registrations, event, reason: str, subject: str) -> int:
    count = 0
    for registration in registrations.select_related("slot", "event"):
        registration.status = Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        _mail(registration, "event_cancelled", subject % {"t": event.title}, with_ics=True,
              reason=reason)
        count += 1
    return count


CHECKIN_SALT = "semaine.registrations.checkin"


def checkin_token(registration: Registration) -> str:
    """What the QR code of a ticket carries: signed, so it can be neither guessed nor forged."""
    return signing.dumps(registration.pk, salt=CHECKIN_SALT, compress=True)


def registration_from_checkin_token(token: str) -> Registration:
    try:
        pk = signing.loads(token[:200], salt=CHECKIN_SALT)
    except signing.BadSignature as error:
        raise ValidationError(_("Ce code n’est pas valable : il a été modifié ou mal lu.")) from error
    registration = Registration.objects.select_related("event", "slot").filter(pk=pk).first()
    if registration is None:
        raise ValidationError(_("Cette inscription n’existe plus."))
    return registration


@transaction.atomic
def add_question(actor, event, *, label: str, kind: str, choices: str = "", required: bool = False):
    require_event_editor(actor, event)
    if kind == QuestionKind.CHOICE and len([c for c in choices.splitlines() if c.strip()]) < 2:
        raise ValidationError({"choices": _("Proposez au moins deux choix, un par ligne.")})
    position = event.questions.count()
    return Question.objects.create(event=event, label=label.strip(), kind=kind, choices=choices,
                                   required=required, position=position)


@transaction.atomic
def delete_question(actor, question) -> None:
    require_event_editor(actor, question.event)
    question.delete()


def send_reminders(now=None) -> int:
    """The day before: every confirmed attendee of a slot starting tomorrow (Paris) is reminded,
    once."""

    now = now or timezone.now()
    tomorrow = timezone.localtime(now, PARIS).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time.min, PARIS)
    end = datetime.combine(tomorrow, time.max, PARIS)
    count = 0
    due = Registration.objects.filter(
        status=Status.CONFIRMED, reminded_at__isnull=True,
        slot__starts_at__range=(start, end),
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            registration = Registration.objects.select_for_update(of=("self",)).select_related(
                "slot", "event__venue").get(pk=pk)
            if registration.reminded_at or registration.status != Status.CONFIRMED:
                continue
            registration.reminded_at = now
            registration.save(update_fields=["reminded_at"])
            _mail(registration, "reminder", _("Demain : %(t)s") % {"t": registration.event.title},
                  with_ics=True)
            count += 1
    return count


@transaction.atomic
def message_attendees(actor, event, *, subject: str, body: str, include_waiting: bool = False) -> int:
    """The organiser writes to everyone registered (and, if asked, to the waiting list)."""
    require_event_editor(actor, event)
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise ValidationError(_("Écrivez un objet et un message."))
    statuses = [Status.CONFIRMED, Status.OFFERED] + ([Status.WAITLISTED] if include_waiting else [])
    count, batch = 0, uuid.uuid4()
    for registration in Registration.objects.filter(event=event, status__in=statuses).select_related(
        "slot", "event"
    ):
        _mail(registration, "message", f"{event.title} : {subject}"[:200], message=body,
              sender=event.organisation.of_named, kind=EmailKind.MESSAGE, batch=batch)
        count += 1
    return count


@transaction.atomic
def send_failed_emails_again(actor, event) -> int:
    """The organiser asks to try again the e-mails about their event that could not be sent."""
    require_event_editor(actor, event)
    return outbox.send_again(event.emails.exclude(kind=EmailKind.NOTIFICATION))


#: slots recorded per transaction by `record_closed_registrations`
CLOSING_BATCH = 500


def record_closed_registrations(now=None) -> int:
    """When a slot starts its registration closes: the public ledger records how many people
    registered, waited or cancelled, and how many seats there were (counts only, no names).

    Each slot is recorded once: the slots still to record (``closing_recorded_at`` empty) are
    taken under a row lock that skips the ones another worker holds, and are marked in the very
    transaction that records them, so two overlapping runs never record the same slot twice."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            count = _record_closing_batch(now)
        total += count
        if count < CLOSING_BATCH:
            return total


def _record_closing_batch(now) -> int:
    closing = list(
        Slot.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(starts_at__lte=now, closing_recorded_at__isnull=True, event__state=EventState.PUBLISHED,
                event__registration_mode=RegistrationMode.PLATFORM)
        .select_related("event").order_by("starts_at", "pk")[:CLOSING_BATCH]
    )
    if not closing:
        return 0
    counts: dict = {}
    for slot_id, status, n in (Registration.objects.filter(slot__in=closing)
                               .values_list("slot", "status").annotate(n=Count("pk")).order_by()):
        counts.setdefault(slot_id, {})[status] = n
    facts = []
    for slot in closing:
        statuses = counts.get(slot.pk, {})
        facts.append((ledger.CLOSED, ledger.SLOTS.subject(slot), {
            "event": str(slot.event.public_id),
            "slot": {"start": utc_time(slot.starts_at), "cancelled": slot.cancelled_at is not None},
            "capacity": capacity_of(slot),
            "confirmed": statuses.get(RegistrationStatus.CONFIRMED, 0),
            "waitlisted": statuses.get(RegistrationStatus.WAITLISTED, 0),
            "cancelled": statuses.get(RegistrationStatus.CANCELLED, 0),
        }))
    record_many(facts)
    Slot.objects.filter(pk__in=[slot.pk for slot in closing]).update(closing_recorded_at=timezone.now())
    return len(closing)

import contextlib
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from semaine.agenda.models import EventState, EventStatus, Slot
from semaine.registrations import services
from semaine.registrations.models import Registration, RegistrationStatus
from tests import factories
from tests.races import race

Status = RegistrationStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def event(edition, organisation):
    event = factories.EventFactory(edition=edition, organisation=organisation, slots=2,
                                   state=EventState.PUBLISHED, registration_mode="platform",
                                   capacity=2, title="Atelier datavisualisation")
    return event


@pytest.fixture
def slot(event):
    return event.slots.order_by("starts_at").first()


def person(n):
    return {"email": f"Personne{n}@Example.fr", "first_name": "Alex", "last_name": f"Durand{n}"}


def register(slot, n, **extra):
    return services.register(slot=slot, email_verified=True, **person(n), **extra)


def test_seats_are_confirmed_until_full_then_the_waiting_list(slot):
    assert [register(slot, n).status for n in range(4)] == [
        Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED]


def test_registering_twice_gives_one_registration(slot):
    first = register(slot, 1)
    same = {**person(1), "email": "personne1@example.fr"}
    again = services.register(slot=slot, email_verified=True, **same)
    assert again.pk == first.pk
    assert Registration.objects.count() == 1


def test_an_unverified_address_holds_no_seat_until_confirmed(slot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        pending = services.register(slot=slot, **person(1))
    assert pending.status == Status.PENDING
    assert services.held_seats(slot) == 0
    assert "/inscriptions/confirmer/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.confirm_address(pending.token)
    assert confirmed.status == Status.CONFIRMED
    assert mail.outbox[-1].attachments[0][0].endswith(".ics")
    assert "BEGIN:VEVENT" in mail.outbox[-1].attachments[0][1]
    name, png, mimetype = mail.outbox[-1].attachments[1]
    assert (name, mimetype) == ("billet.png", "image/png") and png.startswith(b"\x89PNG")
    assert services.confirm_address(pending.token).status == Status.CONFIRMED  # opened twice


def test_a_cancelled_seat_is_offered_to_the_first_in_line_who_takes_it(
    slot, django_capture_on_commit_callbacks
):
    a, _b, c, d = (register(slot, n) for n in range(4))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(a)
    c.refresh_from_db()
    d.refresh_from_db()
    assert (c.status, d.status) == (Status.OFFERED, Status.WAITLISTED)
    assert c.offer_expires_at - c.offered_at == timedelta(hours=48)
    assert "/inscriptions/place-liberee/" in mail.outbox[-1].body
    assert services.accept_offer(c.token).status == Status.CONFIRMED
    assert services.held_seats(slot) == 2


def test_an_expired_offer_goes_to_the_next_person(slot):
    a, _b, c, d = (register(slot, n) for n in range(4))
    services.cancel(a)
    later = timezone.now() + timedelta(hours=49)
    assert services.expire_offers(now=later) == 1
    c.refresh_from_db()
    d.refresh_from_db()
    assert (c.status, d.status) == (Status.EXPIRED, Status.OFFERED)
    with pytest.raises(ValidationError, match="plus valable"):
        services.accept_offer(c.token)


def test_accepting_after_the_deadline_is_refused_and_passes_the_seat_on(slot):
    a, _b, c, d = (register(slot, n) for n in range(4))
    services.cancel(a)
    Registration.objects.filter(pk=c.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="délai"):
        services.accept_offer(c.token)
    d.refresh_from_db()
    assert d.status == Status.OFFERED


def test_the_waiting_list_can_span_every_slot_of_the_event(event):
    first, second = event.slots.order_by("starts_at")
    register(first, 1)
    register(first, 2)
    flexible = register(first, 3, any_slot=True)
    register(second, 4)
    register(second, 5)
    services.cancel(Registration.objects.get(email="personne4@example.fr"))
    flexible.refresh_from_db()
    assert flexible.status == Status.OFFERED and flexible.slot == second


def test_closed_past_and_wrong_mode_registrations_are_refused(event, slot, editor):
    Slot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - timedelta(hours=2),
                                           ends_at=timezone.now() - timedelta(hours=1))
    slot.refresh_from_db()
    with pytest.raises(ValidationError, match="passé"):
        register(slot, 1)
    other = event.slots.exclude(pk=slot.pk).get()
    event.status = EventStatus.CANCELLED
    event.save()
    with pytest.raises(ValidationError, match="fermées"):
        register(other, 1)
    event.status, event.registration_mode = EventStatus.SCHEDULED, "external"
    event.save()
    with pytest.raises(ValidationError, match="pas d’inscription"):
        register(other, 1)
    assert not Registration.objects.exists()


def test_a_cancelled_registration_cannot_be_cancelled_again(slot):
    registration = register(slot, 1)
    services.cancel(registration)
    with pytest.raises(ValidationError):
        services.cancel(registration)


def test_only_the_organiser_checks_in_and_cancels_for_others(slot, editor, other_editor):
    registration = register(slot, 1)
    with pytest.raises(PermissionDenied):
        services.check_in(other_editor, registration)
    with pytest.raises(PermissionDenied):
        services.cancel(registration, actor=other_editor)
    assert services.check_in(editor, registration, now=slot.starts_at).checked_in_at is not None




@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_200_concurrent_registrations_for_50_seats_confirm_exactly_50(
    migrated_reference_data, edition, organisation
):
    event = factories.EventFactory(edition=edition, organisation=organisation, slots=1,
                                   state=EventState.PUBLISHED, registration_mode="platform",
                                   capacity=50)
    slot = event.slots.get()
    # 200 attempts by 40 clients at once (PostgreSQL allows 100 connections here).
    people = list(range(200))
    batches = [people[i::40] for i in range(40)]
    errors = race(lambda batch: [register(slot, n) for n in batch], [(b,) for b in batches])
    assert not errors
    counts = {s: Registration.objects.filter(slot=slot, status=s).count() for s in Status}
    assert counts[Status.CONFIRMED] == 50
    assert counts[Status.WAITLISTED] == 150


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_the_same_person_racing_with_themself_gets_one_registration(
    migrated_reference_data, edition, organisation
):
    event = factories.EventFactory(edition=edition, organisation=organisation, slots=1,
                                   state=EventState.PUBLISHED, registration_mode="platform")
    slot = event.slots.get()
    errors = race(lambda: register(slot, 7), [()] * 20)
    assert not errors
    assert Registration.objects.filter(slot=slot).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_cancellation_racing_with_acceptances_never_gives_one_seat_to_two(
    migrated_reference_data, edition, organisation
):
    event = factories.EventFactory(edition=edition, organisation=organisation, slots=1,
                                   state=EventState.PUBLISHED, registration_mode="platform",
                                   capacity=5)
    slot = event.slots.get()
    confirmed = [register(slot, n) for n in range(5)]
    waiting = [register(slot, n) for n in range(5, 25)]
    # Five cancellations and, at the same time, everyone on the list trying to take a seat.
    for registration in confirmed:
        services.cancel(registration)
    offered = list(Registration.objects.filter(slot=slot, status=Status.OFFERED))
    assert len(offered) == 5

    def try_accept(token):
        with contextlib.suppress(ValidationError):
            services.accept_offer(token)

    errors = race(try_accept, [(r.token,) for r in waiting] + [(r.token,) for r in offered])
    assert not errors
    holding = Registration.objects.filter(slot=slot, status__in=[Status.CONFIRMED, Status.OFFERED])
    assert holding.count() == 5


def test_cancelling_the_event_cancels_and_tells_every_attendee(
    event, slot, editor, django_capture_on_commit_callbacks
):
    from semaine.agenda import services as agenda_services

    people = [register(slot, n) for n in range(3)]  # two seats, one waiting
    with django_capture_on_commit_callbacks(execute=True):
        agenda_services.cancel_event(editor, event, "Salle inondée.")
    assert {r.status for r in Registration.objects.filter(pk__in=[p.pk for p in people])} == {
        Status.CANCELLED}
    cancelled_mails = [m for m in mail.outbox if "Salle inondée." in m.body]
    assert len(cancelled_mails) == 3


def test_a_slot_with_registrations_cannot_be_deleted_by_an_edit(event, slot, editor):
    from semaine.agenda import services as agenda_services
    from semaine.agenda.services import SlotData

    register(slot, 1)
    other = event.slots.exclude(pk=slot.pk).get()
    with pytest.raises(ValidationError, match="inscriptions"):
        agenda_services.update_event(editor, event, fields={}, slots=[
            SlotData(other.starts_at, other.ends_at, None, other.pk)])
    assert Slot.objects.filter(pk=slot.pk).exists()


def test_the_cancellation_mail_removes_the_appointment_from_calendars(
    slot, django_capture_on_commit_callbacks
):
    import icalendar

    with django_capture_on_commit_callbacks(execute=True):
        registration = register(slot, 1)
    confirmed = icalendar.Calendar.from_ical(mail.outbox[-1].attachments[0][1])
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration)
    cancelled = icalendar.Calendar.from_ical(mail.outbox[-1].attachments[0][1])
    [before], [after] = confirmed.walk("VEVENT"), cancelled.walk("VEVENT")
    assert str(cancelled["METHOD"]) == "CANCEL" and str(after["STATUS"]) == "CANCELLED"
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])


def test_cancelling_one_slot_tells_its_attendees_only(
    event, slot, editor, other_editor, django_capture_on_commit_callbacks
):
    from semaine.agenda import services as agenda_services

    other = event.slots.exclude(pk=slot.pk).get()
    here, elsewhere = register(slot, 1), register(other, 2)
    with pytest.raises(PermissionDenied):
        agenda_services.cancel_slot(other_editor, slot, "Non")
    with pytest.raises(ValidationError):
        agenda_services.cancel_slot(editor, slot, " ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        agenda_services.cancel_slot(editor, slot, "Formateur absent.")
    here.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (here.status, elsewhere.status) == (Status.CANCELLED, Status.CONFIRMED)
    assert [m.to for m in mail.outbox] == [[here.email]]
    assert "Formateur absent." in mail.outbox[0].body
    with pytest.raises(ValidationError, match="annulé"):
        register(slot, 3)


@pytest.mark.parametrize("starts_on", [date(2027, 11, 22), date(2027, 6, 14)],
                         ids=["winter", "summer"])
def test_the_mail_calendars_give_two_parsers_the_instants_of_the_slot(
    organisation, starts_on, django_capture_on_commit_callbacks
):
    from tests import calendars

    edition = factories.EditionFactory(starts_on=starts_on, ends_on=starts_on + timedelta(days=6))
    event = factories.EventFactory(edition=edition, organisation=organisation,
                                   state=EventState.PUBLISHED, registration_mode="platform")
    slot = event.slots.get()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(slot, 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration)
    attachments = [content for message in mail.outbox
                   for name, content, _mimetype in message.attachments if name.endswith(".ics")]
    confirmed, cancelled = calendars.read_twice(*attachments)
    assert (confirmed.method, cancelled.method) == ("PUBLISH", "CANCEL")
    for reading in (confirmed, cancelled):
        assert [(start, end) for _uid, start, end in reading.events] == calendars.slot_instants([slot])

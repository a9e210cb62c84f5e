"""Presences are recorded on the slot's day only; a certificate exists once the event started."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from semaine.agenda.models import PARIS, EventState
from semaine.registrations import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(edition, organisation):
    return factories.EventFactory(edition=edition, organisation=organisation, slots=1,
                                  state=EventState.PUBLISHED, registration_mode="platform",
                                  title="Atelier datavisualisation")


@pytest.fixture
def slot(event):
    return event.slots.get()


@pytest.fixture
def registration(slot):
    return services.register(slot=slot, email="lea.roux@example.fr", first_name="Léa",
                             last_name="Roux", email_verified=True)


def paris(slot, days=0, hour=0, minute=0):
    """A moment of the slot's day (Paris time), ``days`` later."""
    day = timezone.localtime(slot.starts_at, PARIS).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), PARIS)


def test_no_presence_is_recorded_the_day_before_the_slot(editor, slot, registration):
    with pytest.raises(ValidationError, match="avant le jour de l’événement"):
        services.check_in(editor, registration, now=paris(slot, days=-1, hour=23, minute=59))
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_a_presence_is_recorded_from_the_start_of_the_slots_day(editor, slot, registration):
    # the slot starts at 9:00; the desk opens at midnight, Paris time
    checked = services.check_in(editor, registration, now=paris(slot, hour=0, minute=1))
    assert checked.checked_in_at == paris(slot, hour=0, minute=1)


def test_no_presence_is_recorded_after_the_slots_day(editor, slot, registration):
    with pytest.raises(ValidationError, match="après l’événement"):
        services.check_in(editor, registration, now=paris(slot, days=1))
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_the_window_follows_the_settings(editor, slot, registration, settings):
    settings.SEMAINE_CHECKIN_OPENS_BEFORE = 1  # from 8:00
    settings.SEMAINE_CHECKIN_CLOSES_AFTER = 0.5  # until 12:30
    with pytest.raises(ValidationError):
        services.check_in(editor, registration, now=paris(slot, hour=7, minute=59))
    with pytest.raises(ValidationError):
        services.check_in(editor, registration, now=paris(slot, hour=12, minute=30))
    assert services.check_in(editor, registration, now=paris(slot, hour=8)).checked_in_at


def test_no_presence_is_recorded_on_a_cancelled_slot(editor, slot, registration):
    from semaine.agenda.models import Slot

    Slot.objects.filter(pk=slot.pk).update(cancelled_at=timezone.now())
    with pytest.raises(ValidationError, match="annulé"):
        services.check_in(editor, registration, now=paris(slot, hour=9))


def test_a_whole_event_registration_is_checked_in_on_any_of_its_days(edition, organisation, editor):
    event = factories.EventFactory(edition=edition, organisation=organisation, slots=3,
                                   state=EventState.PUBLISHED, registration_mode="platform",
                                   registration_per_slot=False)
    first = event.slots.order_by("starts_at").first()
    registration = services.register(slot=first, email="x@example.fr", first_name="Léo",
                                     last_name="Petit", email_verified=True)
    assert services.check_in(editor, registration, now=paris(first, days=2, hour=15)).checked_in_at


def test_the_welcome_desk_refuses_a_presence_before_the_day_in_french(
    client, editor, event, registration
):
    client.force_login(editor)
    desk = reverse("registrations:desk", kwargs={"pk": event.pk})
    found = client.get(desk, {"q": "roux"})
    assert "Léa Roux" in found.text
    assert "Pointer<span" not in found.text
    assert "L’accueil ouvre le" in found.text
    response = client.post(reverse("registrations:check_in", kwargs={"pk": registration.pk}),
                           {"next": desk}, follow=True)
    assert "L’accueil ouvre le" in response.text
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_a_scanned_ticket_is_refused_after_the_day_in_french(client, editor, slot, registration):
    factories.move_slot(slot, starts_in=timedelta(days=-3))
    client.force_login(editor)
    scan = reverse("registrations:scan", kwargs={"code": services.checkin_token(registration)})
    page = client.get(scan)
    assert "L’accueil a fermé le" in page.text
    assert "Enregistrer sa présence" not in page.text
    response = client.post(scan, follow=True)
    assert "L’accueil a fermé le" in response.text
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_the_attendee_list_offers_check_in_only_on_the_slots_day(client, editor, event, slot,
                                                                  registration):
    client.force_login(editor)
    attendees = reverse("registrations:attendees", kwargs={"pk": event.pk})
    assert "Pointer<span" not in client.get(attendees).text
    factories.move_slot(slot)
    assert "Pointer<span" in client.get(attendees).text


def test_no_certificate_before_the_event_starts(editor, slot, registration):
    checked = services.check_in(editor, registration, now=paris(slot, hour=8))
    assert "à partir du" in services.certificate_refusal(checked, now=paris(slot, hour=8, minute=59))
    assert services.certificate_refusal(checked, now=paris(slot, hour=9)) is None


def test_the_certificate_says_took_part_only_once_the_event_started(client, editor, slot, registration,
                                                                  settings):
    settings.SEMAINE_CHECKIN_OPENS_BEFORE = 2  # whatever the hour the test runs at
    factories.move_slot(slot, starts_in=timedelta(hours=1))
    services.check_in(editor, registration)
    ticket = client.get(reverse("registrations:manage", kwargs={"token": registration.token}))
    assert "Mon attestation de présence" not in ticket.text
    page = client.get(reverse("registrations:certificate", kwargs={"token": registration.token}))
    assert page.status_code == 404
    assert "a participé" not in page.text
    assert "L’attestation sera disponible à partir du" in page.text
    factories.move_slot(slot)  # the event has started
    ticket = client.get(reverse("registrations:manage", kwargs={"token": registration.token}))
    assert "Mon attestation de présence" in ticket.text
    page = client.get(reverse("registrations:certificate", kwargs={"token": registration.token}))
    assert "Léa Roux a participé à « Atelier datavisualisation »" in page.text


def test_a_cancelled_registration_has_no_certificate(editor, slot, registration):
    factories.move_slot(slot)
    checked = services.check_in(editor, registration)
    services.cancel(checked)
    checked.refresh_from_db()
    assert services.certificate_refusal(checked) is not None


def test_the_desk_says_an_arrival_is_recorded_in_neutral_french(client, editor, event, slot, registration):
    other = services.register(slot=slot, email="paul.martin@example.fr", first_name="Paul",
                              last_name="Martin", email_verified=True)
    factories.move_slot(slot, starts_in=timedelta(minutes=-1))
    client.force_login(editor)
    desk = reverse("registrations:desk", kwargs={"pk": event.pk})
    response = client.post(reverse("registrations:check_in", kwargs={"pk": registration.pk}),
                           {"next": desk}, follow=True)
    assert "Arrivée de Léa enregistrée." in response.text
    response = client.post(reverse("registrations:scan", kwargs={"code": services.checkin_token(other)}),
                           follow=True)
    assert "Arrivée de Paul enregistrée." in response.text
    assert "(e)" not in response.text

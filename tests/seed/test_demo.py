from datetime import date, timedelta

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from semaine.accounts.models import User
from semaine.agenda.models import (
    PARIS,
    Coordination,
    Edition,
    Event,
    EventHistory,
    EventState,
    Programme,
    RegistrationMode,
    Slot,
    Venue,
)
from semaine.consultations.models import Comment, Consultation, Proposal
from semaine.ledger.models import Entry
from semaine.registrations.models import Registration, RegistrationStatus
from semaine.registrations.services import capacity_of, held_seats
from semaine.seed.demo import demo_data, load_demo, upcoming_dates
from semaine.territory import communes

pytestmark = pytest.mark.django_db
UPCOMING_SLUG = demo_data().upcoming.slug


@pytest.fixture
def demo():
    return load_demo()


def _counts():
    return {model.__name__: model.objects.count()
            for model in (Edition, Event, Slot, User, Coordination, EventHistory, Registration)}


def test_the_demo_is_idempotent(demo):
    counts = _counts()
    again = load_demo()
    assert _counts() == counts
    assert again == demo


def test_every_demo_venue_is_on_the_map_offline(demo):
    """A venue given without coordinates is placed at its commune's centre when the demo loads
    (no address service offline), and shown as approximate."""
    assert not Venue.objects.filter(latitude__isnull=True).exists()
    chateaubriant = Venue.objects.get(name="Délégation départementale de Châteaubriant")
    shipped = communes.find("Châteaubriant", "44110", "44")
    assert shipped.code == "44036"
    assert (chateaubriant.latitude, chateaubriant.longitude) == (shipped.latitude, shipped.longitude)
    assert abs(chateaubriant.latitude - 47.72) < 0.05 and abs(chateaubriant.longitude + 1.376) < 0.05
    assert chateaubriant.location_precision == "commune" and chateaubriant.approximate
    given = Venue.objects.exclude(pk=chateaubriant.pk)
    assert set(given.values_list("location_precision", flat=True)) == {"exact"}


def test_the_demo_accounts_can_sign_in(demo, client):
    email, password = demo["coordinator"]
    response = client.post("/compte/connexion/", {"username": email, "password": password})
    assert response.status_code == 302


def test_loire_atlantique_runs_forty_events_over_six_days_in_three_tracks(demo):
    programme = Programme.objects.get(organisation__departement__code="44",
                                      organisation__kind="departement")
    assert [t.name for t in programme.tracks.all()] == ["Découvrir", "Partager", "Comprendre"]
    events = Event.objects.filter(programme=programme, state=EventState.PUBLISHED)
    assert events.count() >= 40
    days = {s.starts_at.astimezone(PARIS).date() for s in Slot.objects.filter(event__in=events)}
    assert len(days) == 6
    per_track = events.values("track__name").annotate(n=Count("pk"))
    assert all(row["n"] > 0 for row in per_track) and len(per_track) == 3
    assert events.filter(title__icontains="blockchain").exists()


def test_calvados_has_a_round_table_and_a_hackathon_on_tourism_and_data(demo):
    calvados = Event.objects.filter(edition__slug="2017", organisation__departement__code="14",
                                    state=EventState.PUBLISHED)
    assert calvados.filter(formats__slug="table-ronde").exists()
    hackathon = calvados.get(formats__slug="hackathon")
    assert {"tourisme", "attractivite", "data"} <= set(hackathon.themes.values_list("slug", flat=True))


def test_the_val_d_oise_course_is_one_long_online_slot(demo):
    course = Event.objects.get(formats__slug="formation-en-ligne")
    slot = course.slots.get()
    assert slot.starts_at.astimezone(PARIS).date() == date(2017, 11, 6)
    assert slot.ends_at.astimezone(PARIS).date() == date(2017, 12, 1)
    assert course.attendance_mode == "online"


def test_the_demo_leaves_work_for_the_coordinator(demo):
    assert Event.objects.filter(state=EventState.SUBMITTED).exists()
    assert Event.objects.filter(state=EventState.DRAFT).exists()
    assert not Event.objects.filter(is_illustrative=False).exists()


@pytest.fixture
def upcoming(demo):
    return Edition.objects.get(slug=UPCOMING_SLUG)


@pytest.mark.parametrize(("today", "starts_on"), [
    (date(2025, 6, 2), date(2025, 7, 7)),  # a Monday: 30 days later is a Wednesday
    (date(2025, 6, 6), date(2025, 7, 7)),  # 30 days later is that Monday
    (date(2025, 12, 15), date(2026, 1, 19)),
])
def test_the_upcoming_edition_starts_on_the_first_monday_a_month_away(today, starts_on):
    assert upcoming_dates(today) == (starts_on, starts_on + timedelta(days=27))


def test_the_upcoming_edition_is_dated_from_today(upcoming):
    today = timezone.localdate()
    assert upcoming_dates(today) == (upcoming.starts_on, upcoming.ends_on)
    assert upcoming.starts_on.weekday() == 0
    assert upcoming.starts_on >= today + timedelta(days=30)
    assert upcoming.name == f"Mois de l'innovation publique {(today + timedelta(days=60)).year}"
    deadline = upcoming.submission_deadline.astimezone(PARIS)
    assert deadline.date() == upcoming.starts_on - timedelta(days=10)
    assert not upcoming.is_current
    assert Edition.objects.get(is_current=True).slug == "2017"
    assert "démonstration" in upcoming.description
    assert Coordination.objects.filter(edition=upcoming, user__email=demo_data().coordinator.email).exists()


def test_the_upcoming_events_take_registrations_on_future_slots(upcoming):
    events = Event.objects.filter(edition=upcoming)
    assert 5 <= events.count() <= 8
    assert set(events.values_list("state", flat=True)) == {EventState.PUBLISHED}
    assert set(events.values_list("registration_mode", flat=True)) == {RegistrationMode.PLATFORM}
    assert not events.filter(capacity__isnull=True).exists()
    assert not events.filter(is_illustrative=False).exists()
    assert set(events.values_list("organisation__departement__code", flat=True)) == {
        "14", "44", "33"}
    slots = Slot.objects.filter(event__in=events)
    assert slots.exists()
    assert not slots.filter(starts_at__lte=timezone.now()).exists()
    assert all(upcoming.starts_on <= s.starts_at.astimezone(PARIS).date() <= upcoming.ends_on
               for s in slots)
    hackathon = events.get(title="Hackathon Calvados : données touristiques, saison 2")
    assert not hackathon.registration_per_slot
    assert hackathon.capacity == 40 and hackathon.slots.count() == 2
    assert events.filter(attendance_mode="online").exists()


def test_one_upcoming_workshop_is_full_with_a_waiting_list(upcoming):
    slots = Slot.objects.filter(event__edition=upcoming).select_related("event")
    full = [slot for slot in slots if held_seats(slot) >= capacity_of(slot)]
    assert len(full) == 1
    (slot,) = full
    waiting = Registration.objects.filter(slot=slot, status=RegistrationStatus.WAITLISTED)
    assert 2 <= waiting.count() <= 3
    registrations = Registration.objects.filter(event__edition=upcoming)
    assert set(registrations.values_list("status", flat=True)) == {
        RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED}
    assert registrations.exclude(access_needs=[]).exists()
    assert all(email.endswith("@exemple.fr") for email in registrations.values_list("email", flat=True))
    # in the past edition, only the hackathon's participants registered (its teams' members)
    assert set(Registration.objects.exclude(event__edition=upcoming)
               .values_list("event__formats__slug", flat=True)) == {"hackathon"}


def test_the_organiser_sees_the_attendees_and_the_waiting_list(upcoming, demo, client):
    slot = next(s for s in Slot.objects.filter(event__edition=upcoming).select_related("event")
                if held_seats(s) >= capacity_of(s))
    event = slot.event
    editor = event.organisation.memberships.get(user__email__startswith="editeur.").user
    client.force_login(editor)
    response = client.get(reverse("registrations:attendees", kwargs={"pk": event.pk}))
    assert response.status_code == 200
    for registration in Registration.objects.filter(event=event):
        assert registration.last_name in response.text


def test_the_upcoming_edition_is_added_to_a_demo_loaded_before_it(upcoming):
    """A demo database loaded with the 2017 edition only gets the upcoming edition."""
    Registration.objects.filter(event__edition=upcoming).delete()
    Event.objects.filter(edition=upcoming).delete()
    upcoming.delete()
    past = _counts()
    load_demo()
    added = Edition.objects.get(slug=UPCOMING_SLUG)
    assert Event.objects.filter(edition=added, state=EventState.PUBLISHED).count() == len(
        demo_data().upcoming.events)
    assert Registration.objects.filter(event__edition=added).count() == sum(
        len(seats) for seats in demo_data().upcoming.registrations.values())
    assert Event.objects.exclude(edition=added).count() == past["Event"]
    assert User.objects.count() == past["User"]


def test_the_home_page_links_to_the_upcoming_edition(upcoming, client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Prochaine édition" in response.text
    assert escape(upcoming.name) in response.text
    assert f'href="{upcoming.get_absolute_url()}"' in response.text
    assert client.get(upcoming.get_absolute_url()).status_code == 200


def test_the_home_page_shows_no_next_edition_when_there_is_none(client, edition):
    Edition.objects.create(name="Édition passée", slug="passee", starts_on=date(2016, 11, 14),
                           ends_on=date(2016, 11, 20),
                           submission_deadline=timezone.now() - timedelta(days=3000))
    response = client.get("/")
    assert response.status_code == 200
    assert "Prochaine édition" not in response.text


def test_the_demo_holds_an_answered_consultation_fed_by_a_workshop(demo, client):
    consultation = Consultation.objects.get(edition__slug="2017")
    workshop = consultation.workshops.get()
    assert workshop.organisation == consultation.organisation
    assert Proposal.objects.filter(consultation=consultation, workshop=workshop).count() == 1
    first = Proposal.objects.get(title="Un rendez-vous en visio avec un agent")
    assert first.supports_count == 3 and first.comments_count == 3 and first.answer == "accepted"
    assert Comment.objects.filter(consultation=consultation, hidden_at__isnull=False).count() == 1
    assert Entry.objects.filter(kind="consultation.answered").count() == 4
    assert Entry.objects.filter(kind="consultation.supports_closed").count() == 4
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "Un seul numéro pour toutes les démarches" in page
    assert consultation.title in client.get(workshop.get_absolute_url()).content.decode()

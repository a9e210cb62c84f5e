from datetime import date

import pytest
from django.db.models import Count

from semaine.accounts.models import User
from semaine.agenda.demo import load_demo
from semaine.agenda.models import PARIS, Event, EventState, Programme, Slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return load_demo()


def test_the_demo_is_idempotent(demo):
    counts = (Event.objects.count(), Slot.objects.count(), User.objects.count())
    again = load_demo()
    assert (Event.objects.count(), Slot.objects.count(), User.objects.count()) == counts
    assert again["coordinator"] == demo["coordinator"]


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
    calvados = Event.objects.filter(organisation__departement__code="14", state=EventState.PUBLISHED)
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

"""The place of a waiting person in the line: what promotion takes next, in one query."""

import pytest
from django.core import mail
from django.urls import reverse

from semaine.agenda.models import EventState
from semaine.registrations import queries, services
from semaine.registrations.models import Registration, RegistrationStatus
from tests import factories

Status = RegistrationStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def event(edition, organisation):
    return factories.EventFactory(edition=edition, organisation=organisation, slots=2,
                                  state=EventState.PUBLISHED, registration_mode="platform",
                                  capacity=1, title="Atelier design des politiques publiques")


def register(slot, n, **extra):
    return services.register(slot=slot, email=f"personne{n}@example.fr", first_name="Alex",
                             last_name=f"Durand{n}", email_verified=True, **extra)


def positions(*registrations):
    found = []
    for registration in registrations:
        registration.refresh_from_db()
        found.append(queries.waiting_position(registration))
    return found


def test_each_waiting_person_is_told_their_place_in_line(event, django_capture_on_commit_callbacks):
    slot = event.slots.order_by("starts_at").first()
    with django_capture_on_commit_callbacks(execute=True):
        seated, first, second = (register(slot, n) for n in range(3))
    assert positions(seated, first, second) == [None, 1, 2]
    assert "Votre rang sur la liste d'attente : 2." in mail.outbox[-1].body
    assert "Votre rang sur la liste d'attente : 1." in mail.outbox[-2].body
    assert "rang" not in mail.outbox[-3].body  # the confirmed one


def test_promotion_moves_everyone_up_in_the_order_it_offers_seats(event):
    slot = event.slots.order_by("starts_at").first()
    seated, first, second, third = (register(slot, n) for n in range(4))
    services.cancel(seated)
    first.refresh_from_db()
    assert first.status == Status.OFFERED  # the one who was told « 1 »
    assert positions(first, second, third) == [None, 1, 2]
    services.cancel(second)
    assert positions(third) == [1]


def test_someone_waiting_for_any_slot_counts_ahead_on_every_slot(event):
    early, late = event.slots.order_by("starts_at")
    register(early, 1)
    register(late, 2)
    flexible = register(early, 3, any_slot=True)  # could take a seat of ``late`` too
    waiting_late = register(late, 4)
    assert positions(flexible, waiting_late) == [1, 2]
    services.cancel(Registration.objects.get(email="personne2@example.fr"))
    flexible.refresh_from_db()
    assert (flexible.status, flexible.slot) == (Status.OFFERED, late)  # as the position said
    assert positions(waiting_late) == [1]


def test_the_position_costs_one_query(event, django_assert_num_queries):
    slot = event.slots.order_by("starts_at").first()
    registrations = [register(slot, n) for n in range(30)]
    last = Registration.objects.select_related("slot").get(pk=registrations[-1].pk)
    with django_assert_num_queries(1):
        assert queries.waiting_position(last) == 29


def test_the_ticket_page_shows_the_place_in_line(client, event):
    slot = event.slots.order_by("starts_at").first()
    register(slot, 0)
    register(slot, 1)
    waiting = register(slot, 2)
    page = client.get(reverse("registrations:manage", kwargs={"token": waiting.token}))
    assert "Votre rang sur la liste d’attente : 2." in page.text

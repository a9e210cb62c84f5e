"""A slot that has started takes no more registrations, and no page offers it any more."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from semaine.agenda.models import EventStatus, Slot
from semaine.core.cache import MARK_HEADER
from semaine.registrations import services
from tests import factories

pytestmark = pytest.mark.django_db

PAST = timedelta(hours=-1)


@pytest.fixture
def event(edition, organisation):
    return factories.published_event(edition, organisation, title="Atelier passé",
                                     registration_mode="platform", capacity=20)


def past(event):
    for slot in event.slots.all():
        factories.move_slot(slot, starts_in=PAST)
    return event


def add_slot(event, days):
    start = timezone.now() + timedelta(days=days)
    slot = Slot.objects.create(event=event, starts_at=start, ends_at=start + timedelta(hours=2))
    event.refresh_span()
    return slot


def register_page(client, event):
    return client.get(reverse("registrations:register", kwargs={"public_id": event.public_id}))


def test_an_event_whose_slots_have_started_offers_no_registration(client, event):
    page = client.get(past(event).get_absolute_url())
    assert "S’inscrire" not in page.text
    assert "Les inscriptions sont closes." in page.text
    add_slot(event, days=2)  # a date to come opens it again
    assert "S’inscrire</a>" in client.get(event.get_absolute_url()).text


def test_an_external_registration_link_goes_once_the_slots_have_started(client, edition, organisation):
    event = factories.published_event(edition, organisation, title="Forum", registration_mode="external",
                                      registration_url="https://billetterie.example.fr/forum")
    assert "S’inscrire sur le site de l’organisateur" in client.get(event.get_absolute_url()).text
    page = client.get(past(event).get_absolute_url())
    assert "S’inscrire" not in page.text and "billetterie.example.fr" not in page.text


def test_a_postponed_event_offers_no_registration(client, event):
    type(event).objects.filter(pk=event.pk).update(status=EventStatus.POSTPONED)
    assert "S’inscrire" not in client.get(event.get_absolute_url()).text


def test_the_registration_page_of_a_past_event_has_no_form_and_no_free_places(client, event):
    page = register_page(client, past(event))
    assert page.status_code == 200
    assert "Les inscriptions sont closes" in page.text
    assert "places libres" not in page.text and "M’inscrire" not in page.text


def test_the_registration_form_offers_only_the_slots_to_come(client, event):
    gone = past(event).slots.get()
    to_come = add_slot(event, days=2)
    form = register_page(client, event).context["form"]
    assert [pk for pk, _label in form.fields["slot"].choices] == [to_come.pk]
    response = client.post(
        reverse("registrations:register", kwargs={"public_id": event.public_id}),
        {"slot": gone.pk, "first_name": "Inès", "last_name": "Moreau",
         "email": "ines@example.fr", "website": ""})
    assert not gone.registrations.exists()
    assert "Sélectionnez un choix valide" in response.text


def test_a_whole_event_registration_closes_when_its_first_slot_starts(client, edition, organisation):
    event = factories.published_event(edition, organisation, title="Parcours", registration_mode="platform",
                                      registration_per_slot=False)
    add_slot(event, days=2)
    factories.move_slot(event.slots.order_by("starts_at").first(), starts_in=PAST)
    assert "S’inscrire" not in client.get(event.get_absolute_url()).text
    assert "M’inscrire" not in register_page(client, event).text


def test_the_service_refuses_a_later_slot_of_a_whole_event_that_has_begun(edition, organisation):
    event = factories.published_event(edition, organisation, title="Parcours", registration_mode="platform",
                                      registration_per_slot=False)
    first = event.slots.get()
    later = add_slot(event, days=2)
    factories.move_slot(first, starts_in=PAST)
    event.refresh_span()
    with pytest.raises(ValidationError, match="fermées"):
        services.register(slot=later, email="lea@example.fr", first_name="Léa", last_name="Martin")


def agenda_free(client, edition):
    response = client.get(reverse("agenda:list", kwargs={"edition": edition.slug}), {"free": "1"})
    return {e.title for e in response.context["page_obj"]}


def test_places_still_free_leaves_out_events_whose_slots_have_all_started(
    client, edition, organisation, event
):
    for mode in ("none", "external"):
        factories.published_event(edition, organisation, title=f"Fini {mode}", registration_mode=mode)
        factories.published_event(edition, organisation, title=f"À venir {mode}", registration_mode=mode)
    for gone in ("Atelier passé", "Fini none", "Fini external"):
        past(type(event).objects.get(title=gone))
    assert agenda_free(client, edition) == {"À venir none", "À venir external"}


def test_places_still_free_leaves_out_a_whole_event_whose_first_slot_has_started(
    client, edition, organisation
):
    event = factories.published_event(edition, organisation, title="Parcours", registration_mode="platform",
                                      registration_per_slot=False)
    add_slot(event, days=2)
    assert agenda_free(client, edition) == {"Parcours"}
    factories.move_slot(event.slots.order_by("starts_at").first(), starts_in=PAST)
    assert agenda_free(client, edition) == set()


def test_places_still_free_leaves_out_postponed_events(client, edition, organisation, event):
    type(event).objects.filter(pk=event.pk).update(status=EventStatus.POSTPONED)
    assert agenda_free(client, edition) == set()


def test_the_api_free_filter_leaves_out_past_events(client, edition, organisation):
    factories.published_event(edition, organisation, title="À venir")
    past(factories.published_event(edition, organisation, title="Fini"))
    response = client.get(f"/api/editions/{edition.slug}/events", {"free": "true"})
    assert [e["title"] for e in response.json()["items"]] == ["À venir"]


def test_an_event_page_is_not_cached_past_the_start_of_its_last_open_slot(event):
    from django.contrib.auth.models import AnonymousUser

    from semaine.web.public.agenda import event_page

    request = RequestFactory().get(event.get_absolute_url())
    request.user = AnonymousUser()
    slot = factories.move_slot(event.slots.get(), starts_in=timedelta(seconds=90))
    response = event_page(request, edition=event.edition.slug, public_id=event.public_id,
                          slug=event.slug)
    assert 0 < int(response[MARK_HEADER]) <= 90
    factories.move_slot(slot, starts_in=timedelta(days=2))
    response = event_page(request, edition=event.edition.slug, public_id=event.public_id,
                          slug=event.slug)
    assert int(response[MARK_HEADER]) == 300

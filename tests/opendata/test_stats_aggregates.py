"""The statistics of an edition, aggregate by aggregate, against data built with factories."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from semaine.agenda.models import (
    Audience,
    EventState,
    EventStatus,
    Format,
    RegistrationMode,
    Theme,
)
from semaine.agenda.queries import reference_lists
from semaine.opendata.stats import edition_statistics
from semaine.organisers.models import OrganisationKind
from semaine.registrations import services as registrations
from semaine.territory.models import Departement
from tests import factories

pytestmark = pytest.mark.django_db


def rows(statistics, name, key="label"):
    return {row[key]: row for row in statistics.tables[name].rows}


def published(edition, organisation, **kwargs):
    return factories.EventFactory(edition=edition, organisation=organisation,
                                  state=EventState.PUBLISHED, **kwargs)


@pytest.fixture
def calvados_venue(organisation):
    return factories.VenueFactory(organisation=organisation, commune="Caen", postcode="14000",
                                  departement=Departement.objects.get(code="14"))


@pytest.fixture
def corse_venue(organisation):
    return factories.VenueFactory(organisation=organisation, commune="Ajaccio", postcode="20000",
                                  departement=Departement.objects.get(code="2A"))


def test_events_count_in_their_venues_departement(edition, organisation, venue, calvados_venue,
                                                   corse_venue):
    published(edition, organisation, venue=venue)
    published(edition, organisation, venue=venue)
    published(edition, organisation, venue=calvados_venue)
    published(edition, organisation, venue=corse_venue)
    by_code = rows(edition_statistics(edition), "departements", "code")
    assert by_code["44"]["events"] == 2
    assert by_code["14"]["events"] == 1
    assert by_code["2A"]["events"] == 1
    assert by_code["75"]["events"] == 0
    assert len(by_code) == 101


def test_drafts_submitted_and_refused_events_never_count(edition, organisation, venue):
    published(edition, organisation, venue=venue)
    for state in (EventState.DRAFT, EventState.SUBMITTED, EventState.REFUSED):
        factories.EventFactory(edition=edition, organisation=organisation, venue=venue, state=state)
    statistics = edition_statistics(edition)
    assert rows(statistics, "departements", "code")["44"]["events"] == 1
    assert statistics.figures["events"] == 1
    assert sum(row["events"] for row in statistics.tables["formats"].rows) == 1


def test_events_of_another_edition_do_not_count(edition, organisation, venue):
    other = factories.EditionFactory()
    published(other, organisation, venue=venue)
    assert rows(edition_statistics(edition), "departements", "code")["44"]["events"] == 0


def test_regions_add_up_their_departements_and_online_events_apart(
    edition, organisation, venue, calvados_venue, corse_venue
):
    published(edition, organisation, venue=venue)
    published(edition, organisation, venue=calvados_venue)
    published(edition, organisation, venue=corse_venue)
    published(edition, organisation, venue=None)  # online
    statistics = edition_statistics(edition)
    by_name = rows(statistics, "regions")
    assert by_name["Pays de la Loire"]["events"] == 1
    assert by_name["Normandie"]["events"] == 1
    assert by_name["Corse"]["events"] == 1
    assert by_name["En ligne ou sans lieu"]["events"] == 1
    assert statistics.tables["departements"].notes  # the online event is said to be off the map


def test_an_event_counts_once_in_each_of_its_themes_formats_and_audiences(edition, organisation):
    event = published(edition, organisation,
                      formats=list(Format.objects.filter(slug__in=["atelier", "hackathon"])))
    event.themes.set(Theme.objects.filter(slug__in=["data", "design"]))
    event.audiences.set(Audience.objects.filter(slug__in=["grand-public", "professionnels"]))
    other = published(edition, organisation)
    other.themes.set(Theme.objects.filter(slug="data"))
    statistics = edition_statistics(edition)
    assert rows(statistics, "themes")["Data"]["events"] == 2
    assert rows(statistics, "themes")["Design"]["events"] == 1
    assert rows(statistics, "themes")["Tourisme"]["events"] == 0
    assert rows(statistics, "formats")["Atelier"]["events"] == 2
    assert rows(statistics, "formats")["Hackathon"]["events"] == 1
    assert rows(statistics, "publics")["Grand public"]["events"] == 1
    assert rows(statistics, "publics")["Agents publics"]["events"] == 1


def test_an_event_counts_on_every_day_its_slots_cover(edition, organisation):
    published(edition, organisation, slots=3)  # days 1, 2 and 3
    published(edition, organisation, slots=1)  # day 1
    statistics = edition_statistics(edition)
    by_day = rows(statistics, "jours", "day")
    first = edition.starts_on
    assert by_day[first.isoformat()]["events"] == 2
    assert by_day[(first + timedelta(days=1)).isoformat()]["events"] == 1
    assert by_day[(first + timedelta(days=2)).isoformat()]["events"] == 1
    assert by_day[(first + timedelta(days=3)).isoformat()]["events"] == 0
    assert len(by_day) == 7
    assert statistics.figures["events"] == 2


def test_organisers_count_once_by_type_co_organisers_included(edition, organisation):
    city = factories.OrganisationFactory(kind=OrganisationKind.MUNICIPALITY)
    lab = factories.OrganisationFactory(kind=OrganisationKind.INNOVATION_LAB)
    factories.OrganisationFactory(kind=OrganisationKind.HOSPITAL)  # no event
    drafter = factories.OrganisationFactory(kind=OrganisationKind.SCHOOL)
    published(edition, organisation)
    published(edition, organisation)
    event = published(edition, city)
    event.co_organisers.add(lab)
    factories.EventFactory(edition=edition, organisation=drafter)  # a draft
    statistics = edition_statistics(edition)
    by_kind = rows(statistics, "organisateurs")
    assert by_kind[str(OrganisationKind.DEPARTEMENT.label)]["organisers"] == 1
    assert by_kind[str(OrganisationKind.MUNICIPALITY.label)]["organisers"] == 1
    assert by_kind[str(OrganisationKind.INNOVATION_LAB.label)]["organisers"] == 1
    assert by_kind[str(OrganisationKind.HOSPITAL.label)]["organisers"] == 0
    assert by_kind[str(OrganisationKind.SCHOOL.label)]["organisers"] == 0
    assert statistics.figures["organisers"] == 3
    from semaine.agenda.queries import edition_figures

    assert edition_figures(edition)["figures"]["organisers"] == 3  # the edition's home says the same


# Registrations


def registrable(edition, organisation, *, capacity=None, slots=1, per_slot=True, **kwargs):
    return published(edition, organisation, registration_mode=RegistrationMode.PLATFORM,
                     capacity=capacity, slots=slots, registration_per_slot=per_slot, **kwargs)


def register(slot, n, start=0):
    return [registrations.register(slot=slot, email=f"p{start + i}@example.fr", first_name="A",
                                   last_name="B", email_verified=True) for i in range(n)]


def test_fill_rate_counts_confirmed_over_seats_and_the_waiting_list_apart(
    edition, organisation, venue
):
    event = registrable(edition, organisation, capacity=4, venue=venue)
    register(event.slots.get(), 6)  # 4 confirmed, 2 waiting
    statistics = edition_statistics(edition)
    row = rows(statistics, "remplissage-formats")["Atelier"]
    assert (row["seats"], row["confirmed"], row["waiting"], row["fill"]) == (4, 4, 2, 100.0)
    assert statistics.figures["registrations"]["fill"] == 100.0


def test_cancelled_and_pending_registrations_are_not_counted(edition, organisation, venue):
    event = registrable(edition, organisation, capacity=10, venue=venue)
    slot = event.slots.get()
    kept, cancelled = register(slot, 2)
    registrations.cancel(cancelled, notify=False)
    registrations.register(slot=slot, email="pending@example.fr", first_name="A", last_name="B")
    row = rows(edition_statistics(edition), "remplissage-departements", "code")["44"]
    assert (row["seats"], row["confirmed"], row["waiting"], row["fill"]) == (10, 1, 0, 10.0)


def test_seats_are_the_slots_own_capacity_or_the_events(edition, organisation):
    event = registrable(edition, organisation, capacity=10, slots=2)
    first, second = event.slots.order_by("starts_at")
    second.capacity = 5
    second.save()
    register(first, 3)
    by_day = rows(edition_statistics(edition), "remplissage-jours", "code")
    day1, day2 = edition.starts_on.isoformat(), (edition.starts_on + timedelta(days=1)).isoformat()
    assert (by_day[day1]["seats"], by_day[day1]["confirmed"], by_day[day1]["fill"]) == (10, 3, 30.0)
    assert (by_day[day2]["seats"], by_day[day2]["confirmed"], by_day[day2]["fill"]) == (5, 0, 0.0)


def test_a_whole_event_registration_counts_its_seats_once(edition, organisation):
    registrable(edition, organisation, capacity=8, slots=3, per_slot=False)
    statistics = edition_statistics(edition)
    assert statistics.figures["registrations"]["seats"] == 8


def test_cancelled_slots_events_without_limit_and_drafts_offer_no_seat(edition, organisation):
    cancelled_slot = registrable(edition, organisation, capacity=6, slots=2)
    slot = cancelled_slot.slots.order_by("starts_at").last()
    slot.cancelled_at = slot.starts_at - timedelta(days=1)
    slot.save()
    registrable(edition, organisation, capacity=9, status=EventStatus.CANCELLED)
    unlimited = registrable(edition, organisation, capacity=None)
    register(unlimited.slots.get(), 2)
    factories.EventFactory(edition=edition, organisation=organisation, capacity=50,
                           registration_mode=RegistrationMode.PLATFORM)  # a draft
    totals = edition_statistics(edition).figures["registrations"]
    assert totals["seats"] == 6
    assert totals["confirmed"] == 2  # on the unlimited slot
    assert totals["fill"] == 0.0  # confirmed on limited slots only


def test_an_edition_without_registrations_has_no_fill_rate(edition, organisation):
    published(edition, organisation)
    statistics = edition_statistics(edition)
    assert statistics.figures["registrations"]["fill"] is None
    assert statistics.tables["remplissage-formats"].rows == []


# Coordinators' figures


def test_coordinators_see_events_by_state_and_registrations_by_status(edition, organisation):
    event = registrable(edition, organisation, capacity=1)
    register(event.slots.get(), 2)
    factories.EventFactory(edition=edition, organisation=organisation)
    statistics = edition_statistics(edition, coordinator=True)
    states = rows(statistics, "etats")
    assert states[str(EventState.PUBLISHED.label)]["events"] == 1
    assert states[str(EventState.DRAFT.label)]["events"] == 1
    from semaine.registrations.models import RegistrationStatus

    statuses = rows(statistics, "inscriptions")
    assert statuses[str(RegistrationStatus.CONFIRMED.label)]["registrations"] == 1
    assert statuses[str(RegistrationStatus.WAITLISTED.label)]["registrations"] == 1


def test_visitors_statistics_hold_no_coordinator_table(edition):
    statistics = edition_statistics(edition)
    assert "etats" not in statistics.tables and "inscriptions" not in statistics.tables


# Queries


def test_the_statistics_take_a_fixed_number_of_queries(
    edition, organisation, venue, django_assert_num_queries
):
    cache.clear()
    reference_lists()  # cached, as on a running site: one read of the (database) cache
    for i in range(3):
        event = registrable(edition, organisation, capacity=5, venue=venue, slots=2)
        register(event.slots.first(), 2, start=10 * i)
    with django_assert_num_queries(13):
        edition_statistics(edition)
    for i in range(3, 10):
        event = registrable(edition, organisation, capacity=5, venue=venue, slots=3)
        event.themes.set(Theme.objects.all()[:3])
        register(event.slots.first(), 3, start=10 * i)
    with django_assert_num_queries(13):
        edition_statistics(edition)
    with django_assert_num_queries(15):
        edition_statistics(edition, coordinator=True)

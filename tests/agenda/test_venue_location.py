"""Where venues go on the map: placed in the background by their address (the recorded BAN
server of conftest.py), else at their commune's centre, or by hand by their organiser."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from semaine.agenda import services, tasks
from semaine.agenda.models import LocationPrecision, Venue
from semaine.core.scheduler import JOBS
from semaine.ledger.models import Entry
from semaine.territory.models import Departement
from tests import factories

pytestmark = pytest.mark.django_db

NANTES_CENTRE = (47.2186, -1.5538)  # its town hall, in territory/data/communes.csv.gz
CEINERAY = (47.218925, -1.553553)


def fields(**changes):
    data = {"name": "Hôtel du Département", "address": "3 quai Ceineray", "postcode": "44000",
            "commune": "Nantes", "departement": Departement.objects.get(code="44"),
            "latitude": None, "longitude": None}
    data.update(changes)
    return data


def position(venue):
    venue.refresh_from_db()
    return venue.latitude, venue.longitude, venue.location_precision


def test_a_new_venue_is_placed_by_its_address_once_saved(
        editor, organisation, geocoder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        venue = services.save_venue(editor, organisation, fields())
    assert position(venue) == (None, None, "")  # nothing asked while saving
    assert geocoder.requests == []
    assert len(callbacks) == 1
    callbacks[0]()  # the commit queues the task (run at once by the tests' backend)
    assert position(venue) == (*CEINERAY, LocationPrecision.ADDRESS)
    assert len(geocoder.requests) == 1


def test_offline_a_new_venue_goes_to_its_commune_centre(
        settings, editor, organisation, django_capture_on_commit_callbacks):
    settings.GEOCODER_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        venue = services.save_venue(editor, organisation, fields())
    assert position(venue) == (*NANTES_CENTRE, LocationPrecision.COMMUNE)
    assert venue.approximate
    with django_capture_on_commit_callbacks(execute=True):
        unknown = services.save_venue(editor, organisation, fields(commune="Nulle-Part", postcode=""))
    assert position(unknown)[2] == LocationPrecision.DEPARTEMENT


def test_an_address_the_service_cannot_trust_goes_to_the_commune_centre(
        editor, organisation, geocoder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        venue = services.save_venue(editor, organisation, fields(address="12 impasse des Songes"))
    assert position(venue) == (*NANTES_CENTRE, LocationPrecision.COMMUNE)


def test_coordinates_typed_by_the_organiser_are_kept_and_never_replaced(
        editor, organisation, geocoder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        venue = services.save_venue(editor, organisation, fields(latitude=47.2, longitude=-1.5))
    assert position(venue) == (47.2, -1.5, LocationPrecision.MANUAL)
    assert geocoder.requests == []
    # A corrected address keeps the position placed by hand.
    with django_capture_on_commit_callbacks(execute=True):
        services.save_venue(editor, organisation, fields(address="4 quai Ceineray", latitude=47.2,
                                                         longitude=-1.5), venue)
    assert position(venue) == (47.2, -1.5, LocationPrecision.MANUAL)
    # A task queued before the organiser placed it leaves it alone.
    tasks.locate_venue.enqueue(venue.pk)
    assert position(venue) == (47.2, -1.5, LocationPrecision.MANUAL)


def test_a_changed_address_places_the_venue_again(
        editor, organisation, geocoder, django_capture_on_commit_callbacks):
    venue = factories.VenueFactory(organisation=organisation, address="12 impasse des Songes",
                                   latitude=47.25, longitude=-1.52, location_precision="commune")
    with django_capture_on_commit_callbacks(execute=True):
        services.save_venue(editor, organisation,
                            {"address": "3 quai Ceineray", "latitude": 47.25, "longitude": -1.52}, venue)
    assert position(venue) == (*CEINERAY, LocationPrecision.ADDRESS)
    # Emptying the coordinates asks for the address's position again.
    with django_capture_on_commit_callbacks(execute=True):
        services.save_venue(editor, organisation, {"latitude": None, "longitude": None}, venue)
    assert position(venue) == (*CEINERAY, LocationPrecision.ADDRESS)
    assert len(geocoder.requests) == 2


def test_placing_a_venue_changes_its_published_events_for_everyone(
        settings, editor, organisation, edition, django_capture_on_commit_callbacks):
    settings.GEOCODER_URL = ""
    venue = factories.VenueFactory(organisation=organisation, latitude=None, longitude=None,
                                   location_precision="")
    event = factories.published_event(edition, organisation, venue=venue)
    revision = event.revision
    assert tasks.locate_venue.enqueue(venue.pk).return_value is True
    event.refresh_from_db()
    assert event.revision == revision + 1
    changed = Entry.objects.filter(kind="event.changed", subject=f"event:{event.public_id}")
    assert changed.count() == 1
    # Placing it again at the same point changes nothing.
    tasks.locate_venue.enqueue(venue.pk)
    assert changed.count() == 1


def test_venues_without_a_position_are_placed_by_the_periodic_job_and_the_command(
        settings, organisation, capsys):
    settings.GEOCODER_URL = ""
    missing = [factories.VenueFactory(organisation=organisation, latitude=None, longitude=None,
                                      location_precision="", commune=name, postcode=postcode)
               for name, postcode in (("Rezé", "44400"), ("Saint-Nazaire", "44600"))]
    placed = factories.VenueFactory(organisation=organisation)
    assert tasks.locate_venues.enqueue().return_value == 2
    assert all(position(venue)[2] == LocationPrecision.COMMUNE for venue in missing)
    assert position(placed) == (47.2184, -1.5536, LocationPrecision.EXACT)
    Venue.objects.filter(pk=missing[0].pk).update(latitude=None, longitude=None)
    call_command("locate_venues")
    assert "Lieux placés : 1." in capsys.readouterr().out
    assert "semaine.agenda.tasks.locate_venues" in dict(JOBS)


def test_the_command_asks_again_for_venues_placed_approximately(organisation, geocoder, capsys):
    approximate = factories.VenueFactory(organisation=organisation, latitude=47.2172,
                                         longitude=-1.5534, location_precision="commune")
    call_command("locate_venues")
    assert geocoder.requests == []  # every venue has a position
    call_command("locate_venues", "--approximate")
    assert position(approximate) == (*CEINERAY, LocationPrecision.ADDRESS)
    assert "Lieux placés : 1." in capsys.readouterr().out.splitlines()[-1]


def test_only_members_place_their_organisation_s_venues(
        other_editor, organisation, venue, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        services.save_venue(other_editor, organisation, {"latitude": 47.0, "longitude": -1.0}, venue)
    assert position(venue) == (47.2184, -1.5536, LocationPrecision.EXACT)


def test_the_organiser_corrects_a_position_on_the_venue_s_page(
        client, editor, organisation, django_capture_on_commit_callbacks):
    venue = factories.VenueFactory(organisation=organisation, latitude=47.2172, longitude=-1.5534,
                                   location_precision="commune")
    client.force_login(editor)
    url = reverse("organisers:venue_edit", kwargs={"slug": organisation.slug, "pk": venue.pk})
    page = client.get(url).text
    assert "Position approximative" in page
    data = {"name": venue.name, "address": venue.address, "postcode": "44000", "commune": "Nantes",
            "departement": venue.departement_id, "latitude": "-1.55", "longitude": "47.21"}
    response = client.post(url, data)
    assert "hors de France" in response.text  # beside the field, in French
    assert position(venue) == (47.2172, -1.5534, LocationPrecision.COMMUNE)
    response = client.post(url, {**data, "latitude": "47.2190", "longitude": ""})
    assert "Indiquez la latitude et la longitude, ou aucune des deux." in response.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "latitude": "47.2190", "longitude": "-1.5536"})
    assert response.status_code == 302
    assert position(venue) == (47.219, -1.5536, LocationPrecision.MANUAL)
    listing = client.get(reverse("organisers:venues", kwargs={"slug": organisation.slug})).text
    assert url in listing and "Position approximative" not in listing


def test_another_organisation_s_venue_page_is_not_found(client, other_editor, organisation, venue):
    client.force_login(other_editor)
    url = reverse("organisers:venue_edit", kwargs={"slug": organisation.slug, "pk": venue.pk})
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"name": "Pris"}).status_code in (403, 404)
    venue.refresh_from_db()
    assert venue.name == "Hôtel du Département"


"""Programmes and tracks: an organisation's administrators and the edition's coordinators
create, edit, order and archive them; editors and other organisations cannot."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from semaine.agenda import services
from semaine.agenda.forms import EventForm
from semaine.agenda.models import Programme, Track
from semaine.ledger.models import Entry
from semaine.organisers.models import Role
from tests import factories
from tests.races import race

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(organisation):
    return factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user


@pytest.fixture
def other_admin(other_organisation):
    return factories.MembershipFactory(organisation=other_organisation, role=Role.ADMIN).user


@pytest.fixture
def programme(admin, organisation, edition):
    return services.create_programme(admin, organisation=organisation, edition=edition,
                                     title="Semaine de l’innovation en Loire-Atlantique",
                                     description="Trois parcours.")


@pytest.fixture
def tracks(admin, programme):
    return [services.create_track(admin, programme, name=name)
            for name in ("Découvrir", "Partager", "Comprendre")]


def names(programme):
    return list(programme.tracks.order_by("position", "name").values_list("name", flat=True))


# --- services ----------------------------------------------------------------------------------

def test_an_admin_creates_a_programme_with_three_tracks_in_order(programme, tracks):
    assert programme.slug == "semaine-de-linnovation-en-loire-atlantique"
    assert names(programme) == ["Découvrir", "Partager", "Comprendre"]
    assert [t.slug for t in tracks] == ["decouvrir", "partager", "comprendre"]


def test_moving_a_track_swaps_it_with_its_neighbour_and_stops_at_the_ends(admin, programme, tracks):
    services.move_track(admin, tracks[2], "up")
    assert names(programme) == ["Découvrir", "Comprendre", "Partager"]
    services.move_track(admin, tracks[0], "up")  # already first: nothing moves
    assert names(programme) == ["Découvrir", "Comprendre", "Partager"]
    services.move_track(admin, tracks[0], "down")
    assert names(programme) == ["Comprendre", "Découvrir", "Partager"]
    assert list(programme.tracks.values_list("position", flat=True).order_by("position")) == [0, 1, 2]
    with pytest.raises(ValidationError):
        services.move_track(admin, tracks[0], "sideways")


def test_renaming_a_track_re_records_its_published_events(admin, edition, organisation, programme,
                                                          tracks):
    event = factories.published_event(edition, organisation, programme=programme, track=tracks[0])
    before = Entry.objects.filter(subject=f"event:{event.public_id}").count()
    services.update_track(admin, tracks[0], name="Découvrir ensemble", slug="ensemble",
                          description="**Pour commencer**")
    event.refresh_from_db()
    assert event.track.slug == "ensemble"
    assert event.revision == 1
    assert Entry.objects.filter(subject=f"event:{event.public_id}").count() == before + 1


def test_an_archived_programme_and_track_are_no_longer_offered_for_new_events(
        admin, editor, edition, organisation, programme, tracks, venue):
    services.archive_track(admin, tracks[1])
    form = EventForm(organisation=organisation, edition=edition)
    assert list(form.fields["track"].queryset) == [tracks[0], tracks[2]]
    with pytest.raises(ValidationError) as refused:
        services.create_event(editor, organisation=organisation, edition=edition,
                              fields={"title": "Atelier", "summary": "Un atelier.",
                                      "programme": programme, "track": tracks[1]})
    assert "track" in refused.value.error_dict
    services.archive_programme(admin, programme)
    assert list(EventForm(organisation=organisation, edition=edition)
                .fields["programme"].queryset) == []
    assert Programme.objects.get().archived_at is not None


def test_an_event_already_in_an_archived_track_keeps_it_when_edited(
        admin, editor, edition, organisation, programme, tracks):
    event = factories.EventFactory(edition=edition, organisation=organisation,
                                   programme=programme, track=tracks[0])
    services.archive_programme(admin, programme)
    services.archive_track(admin, tracks[0])
    form = EventForm(instance=event, organisation=organisation, edition=edition)
    assert programme in form.fields["programme"].queryset
    assert tracks[0] in form.fields["track"].queryset
    services.update_event(editor, event, fields={"title": "Nouveau titre", "programme": programme,
                                                 "track": tracks[0]})
    event.refresh_from_db()
    assert (event.title, event.track) == ("Nouveau titre", tracks[0])


def test_an_archived_programme_can_be_offered_again(admin, programme):
    services.archive_programme(admin, programme)
    services.archive_programme(admin, programme, archived=False)
    programme.refresh_from_db()
    assert programme.archived_at is None


# --- permissions -------------------------------------------------------------------------------

def test_an_editor_cannot_create_or_change_programmes(editor, organisation, edition, programme,
                                                      tracks):
    with pytest.raises(PermissionDenied):
        services.create_programme(editor, organisation=organisation, edition=edition, title="X")
    with pytest.raises(PermissionDenied):
        services.update_programme(editor, programme, title="X")
    with pytest.raises(PermissionDenied):
        services.create_track(editor, programme, name="Agir")
    with pytest.raises(PermissionDenied):
        services.move_track(editor, tracks[1], "up")
    with pytest.raises(PermissionDenied):
        services.archive_track(editor, tracks[1])
    assert names(programme) == ["Découvrir", "Partager", "Comprendre"]


def test_another_organisations_admin_is_refused(other_admin, organisation, edition, programme,
                                                tracks):
    with pytest.raises(PermissionDenied):
        services.create_programme(other_admin, organisation=organisation, edition=edition,
                                  title="Le nôtre")
    with pytest.raises(PermissionDenied):
        services.archive_programme(other_admin, programme)
    with pytest.raises(PermissionDenied):
        services.update_track(other_admin, tracks[0], name="Pris")
    programme.refresh_from_db()
    assert programme.archived_at is None
    assert Track.objects.get(pk=tracks[0].pk).name == "Découvrir"


def test_the_editions_coordinator_manages_any_organisations_programmes(coordinator, organisation,
                                                                       edition):
    programme = services.create_programme(coordinator, organisation=organisation,
                                          edition=edition, title="Programme coordonné")
    services.create_track(coordinator, programme, name="Découvrir")
    assert programme.organisation == organisation
    other_edition = factories.EditionFactory()
    with pytest.raises(PermissionDenied):  # coordinators act within their own edition
        services.create_programme(coordinator, organisation=organisation, edition=other_edition,
                                  title="Ailleurs")


# --- bad input ---------------------------------------------------------------------------------

def test_a_duplicate_track_name_or_slug_is_refused_beside_the_field(admin, programme, tracks):
    with pytest.raises(ValidationError) as refused:
        services.create_track(admin, programme, name="partager")
    assert "déjà un parcours de ce nom" in refused.value.error_dict["name"][0].message
    with pytest.raises(ValidationError) as refused:
        services.create_track(admin, programme, name="Agir", slug="comprendre")
    assert "adresse courte" in refused.value.error_dict["slug"][0].message


def test_a_duplicate_programme_title_shows_a_french_error_beside_the_field(client, admin,
                                                                          organisation, edition,
                                                                          programme):
    client.force_login(admin)
    response = client.post(reverse("organisers:programmes", kwargs={"slug": organisation.slug}),
                           {"edition": edition.pk, "title": programme.title})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "déjà un programme de ce titre" in errors["title"][0]
    response = client.post(reverse("organisers:programmes", kwargs={"slug": organisation.slug}),
                           {"edition": edition.pk, "title": "Autre", "slug": programme.slug})
    assert "déjà prise" in response.context["form"].errors["slug"][0]
    assert Programme.objects.count() == 1


def test_a_duplicate_track_name_shows_a_french_error_on_the_programme_page(client, admin,
                                                                         programme, tracks):
    client.force_login(admin)
    response = client.post(reverse("organisers:programme", kwargs={"pk": programme.pk}),
                           {"form": "track", "name": "Découvrir"})
    assert response.status_code == 200
    assert "déjà un parcours de ce nom" in response.context["track_form"].errors["name"][0]
    assert "déjà un parcours de ce nom" in response.text


# --- pages -------------------------------------------------------------------------------------

def test_editors_get_403_on_the_programme_pages(client, editor, organisation, programme, tracks):
    client.force_login(editor)
    assert client.get(reverse("organisers:programmes",
                              kwargs={"slug": organisation.slug})).status_code == 403
    assert client.get(reverse("organisers:programme", kwargs={"pk": programme.pk})).status_code == 403
    response = client.post(reverse("organisers:track_move", kwargs={"pk": tracks[2].pk}),
                           {"direction": "up"})
    assert response.status_code == 403
    assert names(programme) == ["Découvrir", "Partager", "Comprendre"]


def test_an_admin_orders_tracks_with_buttons_that_need_no_script(client, admin, programme, tracks):
    client.force_login(admin)
    page = client.get(reverse("organisers:programme", kwargs={"pk": programme.pk}))
    assert page.status_code == 200
    assert page.text.count(">Monter<") == 3 and page.text.count(">Descendre<") == 3
    response = client.post(reverse("organisers:track_move", kwargs={"pk": tracks[2].pk}),
                           {"direction": "up"})
    assert response.status_code == 302
    assert names(programme) == ["Découvrir", "Comprendre", "Partager"]


def test_the_public_page_shows_tracks_as_sections_with_their_events_and_archive_marks(
        client, admin, edition, organisation, programme, tracks):
    services.update_track(admin, tracks[0], name="Découvrir", description="Pour **commencer**.")
    factories.published_event(edition, organisation, title="Visite du fablab",
                              programme=programme, track=tracks[0])
    services.archive_programme(admin, programme)
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
    html = response.text
    assert 'id="parcours-decouvrir"' in html
    assert 'href="#parcours-comprendre"' in html
    assert "<strong>commencer</strong>" in html
    assert "Programme archivé" in html
    assert html.index("Visite du fablab") < html.index('id="parcours-partager"')
    assert tracks[0].get_absolute_url().endswith("#parcours-decouvrir")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_tracks_moved_at_once_keep_distinct_positions(migrated_reference_data, organisation, edition):

    admin = factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    programme = services.create_programme(admin, organisation=organisation, edition=edition,
                                          title="Programme")
    tracks = [services.create_track(admin, programme, name=f"Parcours {n}") for n in range(5)]
    errors = race(lambda track, direction: services.move_track(admin, track, direction),
                   [(track, direction) for track in tracks for direction in ("up", "down")])
    assert not errors
    positions = sorted(programme.tracks.values_list("position", flat=True))
    assert positions == [0, 1, 2, 3, 4]


def test_the_programmes_page_reads_the_same_number_of_queries_for_more_programmes(
        client, admin, organisation, edition):
    url = reverse("organisers:programmes", kwargs={"slug": organisation.slug})
    client.force_login(admin)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = factories.ProgrammeFactory(organisation=organisation, edition=edition)
    factories.TrackFactory(programme=first)
    few = count()
    for _n in range(4):
        programme = factories.ProgrammeFactory(organisation=organisation,
                                               edition=factories.EditionFactory())
        factories.TrackFactory(programme=programme)
        factories.TrackFactory(programme=programme)
    assert count() == few


def test_an_editions_coordinator_opens_the_programmes_page_of_any_organisation(
        client, coordinator, organisation, edition):
    client.force_login(coordinator)
    response = client.get(reverse("organisers:programmes", kwargs={"slug": organisation.slug}))
    assert response.status_code == 200
    assert [e.pk for e in response.context["form"].fields["edition"].queryset] == [edition.pk]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs PostgreSQL")
def test_programmes_created_at_once_with_one_slug_give_one_programme_and_field_errors(
        migrated_reference_data, organisation, edition):

    admin = factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    errors = race(lambda n: services.create_programme(
        admin, organisation=organisation, edition=edition, title=f"Programme {n}", slug="commun"),
        [(n,) for n in range(8)])
    assert Programme.objects.filter(edition=edition, slug="commun").count() == 1
    assert len(errors) == 7
    assert all(isinstance(error, ValidationError) for error in errors), errors
    assert all("déjà prise" in error.error_dict["slug"][0].messages[0] for error in errors)
    # Derived slugs taken at the same moment are chosen again, not refused.
    staff = factories.UserFactory(is_superuser=True)
    errors = race(lambda n: services.create_programme(
        staff, organisation=factories.OrganisationFactory(), edition=edition, title="Même titre"),
        [(n,) for n in range(6)])
    assert errors == []
    slugs = Programme.objects.filter(edition=edition, title="Même titre").values("slug").distinct()
    assert slugs.count() == 6
